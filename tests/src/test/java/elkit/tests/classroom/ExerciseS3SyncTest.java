package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * ex04-s3-sync's grader is not fooled: each of its checks fails for a sync() that does nothing and
 * for one that always throws (ExercisesTest covers the untouched exercise and the solution).
 */
class ExerciseS3SyncTest {

    static final String TODO = "throw new UnsupportedOperationException(\"sync() is not written yet\");";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "does nothing   | return 0;",
            "always throws  | throw new IllegalStateException(\"S3 is down\");"})
    void everyCheckFailsForAWrongMethod(String name, String body, @TempDir Path dir) throws IOException {
        String exercise = Files.readString(Repo.path("chapters/05-extract-load/exercises/ex04-s3-sync.java"));
        assertThat(exercise).contains(TODO);
        Path variant = dir.resolve("ex04-s3-sync.java");
        Files.writeString(variant, exercise.replace(TODO, body));

        // the JDK's source launcher, on the test classpath (elkit.local.LocalS3 and the SDK are there)
        var run = ScriptRun.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.provider=org.slf4j.nop.NOPServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-cp", System.getProperty("java.class.path"), variant.toString()), dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).doesNotContain("PASS").contains("Score: 0/4");
        assertThat(run.out().lines().filter(l -> l.startsWith("FAIL  ")).count()).isEqualTo(4);
    }
}
