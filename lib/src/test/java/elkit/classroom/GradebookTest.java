package elkit.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.classroom.Gradebook.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradebookTest {

    static final Exercise SHORT = new Exercise("ex01-db", Path.of("ex01-db.java"), "ex01_db", "");
    static final Exercise LONG = new Exercise("ex05-sftp-inbox-archive", Path.of("ex05-sftp-inbox-archive.java"), "ex05_sftp_inbox_archive", "");
    static final List<Result> RESULTS = List.of(
            new Result("ada", "ex01-db", 2, 3, "graded", List.of("PASS  a", "PASS  b", "FAIL  c: no")),
            new Result("ada", "ex05-sftp-inbox-archive", 0, 4, "timeout", List.of("TIMEOUT  stopped")));

    @Test
    void theSummaryShowsWholeExerciseNames() {
        String summary = Gradebook.summary(List.of("ada"), List.of(SHORT, LONG), RESULTS);

        assertThat(summary.lines().toList()).containsExactly("",
                "student  ex01-db         ex05-sftp-inbox-archive  total",
                "ada      2/3             timeout                  2/7");
    }

    @Test
    void feedbackGivesEachExerciseItsLinesAndTheTotal() {
        assertThat(Gradebook.feedback("ada", RESULTS)).isEqualTo("""
                Feedback for ada

                == ex01-db: 2/3
                PASS  a
                PASS  b
                FAIL  c: no

                == ex05-sftp-inbox-archive: timeout, 0/4
                TIMEOUT  stopped

                Total: 2/7
                """);
    }

    @Test
    void aStudentNameWithACommaIsQuotedInTheGradebook() {
        assertThat(Gradebook.csv(List.of(new Result("Lovelace, Ada", "ex01-db", 3, 3, "graded", List.of()))))
                .isEqualTo("student,exercise,score,max,status\n\"Lovelace, Ada\",ex01-db,3,3,graded\n");
    }

    @Test
    void whatTheSandboxRefusedIsInTheFeedbackAndTheSummary() {
        var results = List.of(new Result("mallory", "ex01-db", 3, 3, "graded", List.of("PASS  a"),
                List.of("/home/teacher/.ssh/id_ed25519: a file outside the sandbox (not there)")));
        assertThat(Gradebook.feedback("mallory", results))
                .contains("PASS  a\nREFUSED  /home/teacher/.ssh/id_ed25519: a file outside the sandbox (not there)\n");
        assertThat(Gradebook.summary(List.of("mallory"), List.of(SHORT), results)).endsWith(
                "Refused by the sandbox (graded as it ran; look at these files):\n"
                        + "  mallory  ex01-db  /home/teacher/.ssh/id_ed25519: a file outside the sandbox (not there)\n");
    }
}
