package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.KafkaBroker;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exercise 6's grader is strict: every check fails for a load() that does nothing and for one that
 * always throws, not only for the untouched starter (ExercisesTest runs the starter and the solution
 * through ./jbang). The variants run on the shared broker, from source, on the test classpath.
 */
@ExtendWith(KafkaBroker.class)
class KafkaExerciseTest {

    static final Path EXERCISE = Repo.path("chapters/05-extract-load/exercises/ex06-kafka-orders.java");
    static final String TODO = """
            // TODO: your code here. Chapter page 06-queuing-kafka.md shows every piece you need.
                    throw new UnsupportedOperationException("load() is not written yet");""";

    @TempDir
    Path dir;

    @Test
    void everyCheckFailsForALoadThatDoesNothing() throws IOException {
        var run = runVariant("// does nothing");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("Score: 0/4");
        assertThat(failLines(run)).hasSize(4).allMatch(l -> !l.contains("UnsupportedOperationException"));
    }

    @Test
    void everyCheckFailsForALoadThatAlwaysThrows() throws IOException {
        var run = runVariant("throw new IllegalStateException(\"always\");");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("Score: 0/4");
        assertThat(failLines(run)).hasSize(4);
    }

    private ScriptRun runVariant(String body) throws IOException {
        String exercise = Files.readString(EXERCISE);
        assertThat(exercise).contains(TODO);
        Path variant = dir.resolve("ex06-kafka-orders.java");
        Files.writeString(variant, exercise.replace(TODO, body));
        return source(variant);
    }

    /** java's single-file source launcher, with the test classpath (elkit's LocalKafka, kafka-clients, sqlite-jdbc). */
    private ScriptRun source(Path file) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(file.toString());
        return ScriptRun.exec(command, dir, KafkaBroker.shared().env());
    }

    private static List<String> failLines(ScriptRun run) {
        return run.out().lines().filter(l -> l.startsWith("FAIL  ")).toList();
    }
}
