package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exercise 5's grader is not fooled by code that does nothing, nor by code that always throws:
 * every one of its checks fails for both. (ExercisesTest covers the untouched starter and the solution.)
 */
class ExerciseSftpInboxTest {

    static final String TODO = """
                    // TODO: your code here. Chapter page 05-sftp-ftp.md shows ls, get, stat and rename at work.
                    throw new UnsupportedOperationException("pickUpNewFiles() is not written yet");
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"return List.of();", "throw new java.io.IOException(\"always\");"})
    void everyCheckFailsForAMethodThatDoesNothingOrAlwaysThrows(String body) throws Exception {
        String exercise = Files.readString(Repo.path("chapters/05-extract-load/exercises/ex05-sftp-inbox.java"));
        assertThat(exercise).contains(TODO);
        Path variant = Files.writeString(dir.resolve("ex05_sftp_inbox.java"),
                exercise.replace(TODO, "        " + body + "\n"));

        var run = ScriptRun.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), variant.toString()), dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).as(run.toString()).contains("Score: 0/3")
                .contains("FAIL  downloads every new file", "FAIL  archives what it picked up", "FAIL  a download that breaks off");
    }
}
