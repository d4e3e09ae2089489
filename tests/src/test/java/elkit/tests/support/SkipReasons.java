package elkit.tests.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints one line on the console for every test that did not run, with the reason: an assumption
 * that failed (no Docker, no Jupyter, no JDK 25 ...) or a skip. Maven's summary only counts them.
 * Registered through META-INF/services, so every test run in this module uses it.
 */
public class SkipReasons implements TestExecutionListener {

    /** Why a test of the container path did not run. */
    public static final String NO_DOCKER = "no Docker engine answers here: the container path runs only where Docker does";

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("(no reason given)"));
        }
    }

    static String line(String where, String reason) {
        String why = reason == null ? "(no reason given)" : reason.replaceFirst("^Assumption failed: ", "")
                .replaceAll("\\s*\\R\\s*", " ").strip();
        return "[skipped] " + where + ": " + why;
    }

    private static void print(TestIdentifier test, String reason) {
        String where = test.getLegacyReportingName();
        String source = test.getSource().map(Object::toString).orElse("");
        var className = java.util.regex.Pattern.compile("className\\s*=\\s*'([\\w.$]+)'").matcher(source);
        if (className.find()) where = className.group(1).replaceFirst("^.*\\.", "") + " > " + where;
        System.out.println(line(where, reason));
        System.out.flush();
    }
}
