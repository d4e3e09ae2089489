package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.StudentMethods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer 4: each exercise's grader passes the reference solution, run as a learner runs it, through ./jbang, and
 * grades it with the same code as the exercise. The untouched exercises fail with their hints through ./jbang in
 * {@link ClassroomTest}, from a handout copied outside the repository.
 */
class ExercisesTest {

    @TempDir
    static Path jbangDir;

    static ScriptRun jbang(Path script, Path work) {
        var env = new HashMap<String, String>();
        env.put("JBANG_DIR", jbangDir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        return ScriptRun.exec(List.of(Repo.path("jbang").toString(), script.getFileName().toString()),
                script.getParent(), env);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#exercises")
    void theGraderPassesTheReferenceSolution(Path exercise, @TempDir Path work) {
        Path solution = exercise.resolveSibling("solutions").resolve(exercise.getFileName());

        var run = jbang(solution, work);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("FAIL").containsPattern("Score: (\\d+)/\\1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#exercises")
    void theSolutionIsGradedByTheSameCode(Path exercise) throws IOException {
        Path solution = exercise.resolveSibling("solutions").resolve(exercise.getFileName());
        String mine = Files.readString(exercise);
        String reference = Files.readString(solution);

        assertThat(mine).contains(StudentMethods.GRADING);
        assertThat(reference.substring(reference.indexOf(StudentMethods.GRADING)))
                .isEqualTo(mine.substring(mine.indexOf(StudentMethods.GRADING)));
    }
}
