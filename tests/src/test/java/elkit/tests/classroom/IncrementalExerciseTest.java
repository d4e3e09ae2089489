package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exercise 7's grader catches the classic mistake: a sync() with a cursor on updated_at alone loses the rows of a
 * shared timestamp. (Every exercise's grader fails a method that does nothing and one that always throws in
 * ClassroomTest; ExercisesTest runs the solution through ./jbang.) The variant runs from source, on the test classpath.
 */
class IncrementalExerciseTest {

    static final Path EXERCISE = Repo.path("chapters/05-extract-load/exercises/ex07-incremental-sync.java");
    static final Path SOLUTION = Repo.path("chapters/05-extract-load/exercises/solutions/ex07-incremental-sync.java");
    static final String TODO = """
            // TODO: your code here. Chapter page 08-incremental-cdc.md shows every piece you need.
                    throw new UnsupportedOperationException("sync() is not written yet");""";

    @TempDir
    Path dir;

    @Test
    void aCursorOnUpdatedAtAloneLosesTheRowsThatShareItsTimestamp() throws IOException {
        String compound = "\" WHERE updated_at > ? OR (updated_at = ? AND id > ?)\"";
        String solution = Files.readString(SOLUTION);
        assertThat(solution).contains(compound);
        // the same binding, but the id plays no part: WHERE updated_at > last
        var run = runVariant(solution.replace(compound, "\" WHERE updated_at > ? AND ? IS NOT NULL AND ? IS NOT NULL\""));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  the first run loads every row, those that share a timestamp too",
                "FAIL  a row that arrives later with the cursor's own timestamp is not lost");
    }

    private ScriptRun runVariant(String source) throws IOException {
        assertThat(source).doesNotContain("is not written yet"); // the starter body was replaced
        Path variant = dir.resolve("ex07-incremental-sync.java");
        Files.writeString(variant, source);
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(variant.toString());
        return ScriptRun.exec(command, dir, Map.of());
    }

}
