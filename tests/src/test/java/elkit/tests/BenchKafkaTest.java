package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** bench-kafka with a tiny N on the shared broker: every step runs and its count is checked. Speed is not asserted. */
@ExtendWith(KafkaBroker.class)
class BenchKafkaTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunPrintsEveryStepWithItsCountChecked() {
        var run = ScriptRun.run("bench-kafka", dir, KafkaBroker.shared().env(), "2000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).containsPattern("Sending 2,000 JSON orders of about (19\\d|20\\d|21\\d) bytes each")
                .contains("# Messages per second (higher is better)", "(4 rows)");
        for (String line : new String[] {
                "producer, lesson's safe settings +\\| +2000 \\| yes ",
                "producer, tuned: linger.ms=20, batch.size=256 KiB, lz4 +\\| +2000 \\| yes ",
                "consumer, JSON into records +\\| +2000 \\| yes ",
                "end-to-end: consume, upsert into SQLite, commit, commit offsets +\\| +2000 \\| yes "}) {
            assertThat(run.out()).containsPattern(line);
        }
    }

    @Test
    void aCountThatIsNotANumberIsOneLine() {
        var run = ScriptRun.run("bench-kafka", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-kafka: the number of messages must be a whole number above 0, got: lots");
    }
}
