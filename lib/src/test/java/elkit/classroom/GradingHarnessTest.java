package elkit.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The harness on its own: only what the grader's main prints carries the token. */
class GradingHarnessTest {

    static List<String> run(String token) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), GradingHarness.class.getName(),
                HarnessSample.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out.lines().toList();
    }

    @Test
    void theLinesTheGradersMainPrintsCarryTheToken() throws Exception {
        assertThat(run("s3cret")).contains("s3cret PASS  printed by main", "s3cret Score: 1/1");
    }

    @Test
    void aLinePrintedFromAnotherMethodOrThreadIsLeftUntagged() throws Exception {
        assertThat(run("s3cret")).contains("PASS  printed by the student's method", "Score: 9/9")
                .doesNotContain("s3cret PASS  printed by the student's method", "s3cret Score: 9/9");
    }
}
