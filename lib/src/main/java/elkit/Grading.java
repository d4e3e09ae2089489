package elkit;

import java.util.List;

/**
 * What every exercise's grader shares: one check, its PASS or FAIL line, and an expectation.
 * An exercise's {@code main} runs its checks as {@code passed += check(report, "title", () -> ...)},
 * once each and not in a loop (classroom counts these calls in the grader's code for the maximum),
 * then prints the report itself.
 */
public final class Grading {
    private Grading() {}

    /** The body of a check: it passes when it returns, and fails with the message of what it throws. */
    public interface Check {
        void run() throws Exception;
    }

    /** Runs one check and adds its line to {@code report}: {@code PASS  title} or {@code FAIL  title: why}. 1 when it passed. */
    public static int check(List<String> report, String title, Check check) {
        try {
            check.run();
            report.add("PASS  " + title);
            return 1;
        } catch (Throwable e) {
            report.add("FAIL  " + title + ": " + (e.getMessage() != null ? e.getMessage() : e));
            return 0;
        }
    }

    /** Fails the check unless {@code actual} equals {@code expected}; {@code what} names the value in the hint. */
    public static void expect(Object actual, Object expected, String what) {
        if (!java.util.Objects.equals(expected, actual)) throw new AssertionError(what + ": expected " + expected + ", got " + actual);
    }
}
