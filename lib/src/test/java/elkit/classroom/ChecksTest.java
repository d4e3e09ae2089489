package elkit.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import elkit.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exercise's maximum, from its code: the compiler finds the calls of elkit.Grading.check. */
class ChecksTest {

    static int count(Path dir, String body) throws Exception {
        Path file = dir.resolve("ex99_sample.java");
        Files.writeString(file, """
                import static elkit.Grading.check;
                import java.util.ArrayList;
                class ex99_sample {
                    public static void main(String[] args) {
                        var report = new ArrayList<String>();
                        int passed = 0;
                %s
                    }
                    static int other(Object... any) { return 0; }
                }
                """.formatted(body));
        // only the library's classes on the class path: the compiler need read no more
        String lib = Path.of(elkit.Grading.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return Checks.count(file, List.of(), lib);
    }

    @Test
    void eachCallOfGradingCheckIsOneCheckHoweverItIsWritten(@TempDir Path dir) throws Exception {
        assertThat(count(dir, """
                        passed += check(report, "one", () -> {});
                        passed += check(
                                report,
                                "two, on lines of its own", () -> {});
                        passed += elkit.Grading.check(report, "three, qualified", () -> {});
                """)).isEqualTo(3);
    }

    @Test
    void aMethodOfAnotherNameOrClassDoesNotCount(@TempDir Path dir) throws Exception {
        assertThat(count(dir, """
                        passed += check(report, "one", () -> {});
                        passed += other(report, "check(report, \\"not a call\\")");
                """)).isEqualTo(1);
    }

    @Test
    void aCheckCalledInALoopIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> count(dir, """
                        for (String title : java.util.List.of("a", "b")) passed += check(report, title, () -> {});
                """)).isInstanceOf(Cli.Failure.class).hasMessageContaining("check(...) is called in a loop");
    }

    @Test
    void aGraderWithoutChecksIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> count(dir, "")).isInstanceOf(Cli.Failure.class)
                .hasMessage("ex99_sample.java: no check(...) of elkit.Grading in its grader");
    }
}
