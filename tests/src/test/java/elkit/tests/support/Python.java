package elkit.tests.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A second, independent reader for the files the lessons write: Python 3's own csv, json, xml and
 * zipfile modules. Skipped with a reason when python3 is absent, unless CI is set (then it fails).
 */
public final class Python {
    private Python() {}

    public static final Path PYTHON3 = Path.of("/usr/bin/python3");

    /** Runs {@code code} with {@code args} in sys.argv[1:]; returns its stdout, or fails on a non-zero exit. */
    public static String run(Path workDir, String code, String... args) {
        if (!Files.isExecutable(PYTHON3)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(PYTHON3 + " is missing, and CI is set: install python3");
            }
            Assumptions.abort(PYTHON3 + " is not installed here: the cross-check with Python's readers is skipped");
        }
        var command = new ArrayList<>(List.of(PYTHON3.toString(), "-c", code));
        command.addAll(List.of(args));
        var run = ScriptRun.exec(command, workDir, Map.of());
        if (run.exitCode() != 0) throw new AssertionError("python3 failed:\n" + run);
        return run.out();
    }
}
