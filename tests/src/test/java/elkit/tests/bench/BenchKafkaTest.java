package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.BenchChart;
import elkit.tests.support.KafkaBroker;
import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench-kafka with a tiny N on the shared broker: every step runs and its count is checked, Python's
 * confluent-kafka runs the same steps when Debian's python3-confluent-kafka is installed (under CI=true
 * it must be), and the Java rows still run without it. Speed is not asserted.
 */
@ExtendWith(KafkaBroker.class)
class BenchKafkaTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunPrintsEveryStepWithItsCountCheckedAndTheRatioToPython() throws Exception {
        boolean confluentKafka = confluentKafkaInstalled();
        if (!confluentKafka && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true, but /usr/bin/python3 cannot import confluent_kafka: apt-get install python3-confluent-kafka");
        }
        var run = ScriptRun.run("bench-kafka", dir, KafkaBroker.shared().env(), "2000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as(run.toString()).isEmpty();
        assertThat(run.out()).containsPattern("Sending 2,000 JSON orders of about (19\\d|20\\d|21\\d) bytes each")
                .containsPattern("Warm-up, not timed: 2 rounds of 2,000 orders sent and read back by the Java clients in [0-9.]+ s")
                .contains("# Java: messages per second (higher is better)", "(4 rows)",
                        "# Java and Python's confluent-kafka: same messages, same settings, same broker", "(3 rows)");
        // the bench measures the lesson's own producer settings, and says which
        String safe = "producer, safe: " + lessonProducerSettings();
        assertThat(safe).isEqualTo("producer, safe: acks=all, enable.idempotence=true, linger.ms=10, batch.size=128 KiB, compression.type=lz4");
        for (String line : new String[] {
                Pattern.quote(safe) + " +\\| +2000 \\| yes +\\| +2000 \\| ",
                "producer, tuned: acks=all, enable.idempotence=true, linger.ms=20, batch.size=256 KiB, compression.type=lz4 +\\| +2000 \\| yes +\\| +2000 \\| ",
                // 100 per poll in a run of 2,000: the first poll is not timed
                "consumer, JSON into records +\\| +2000 \\| yes +\\| +1900 \\| ",
                "end-to-end: consume, upsert into SQLite, commit, commit offsets +\\| +2000 \\| yes +\\| +1900 \\| "}) {
            assertThat(run.out()).containsPattern(line);
        }
        String rate = "[0-9][0-9,]*";
        if (confluentKafka) {
            assertThat(run.out()).containsPattern("Python peer: \\S*python3 with confluent-kafka [0-9.]+, librdkafka [0-9.]+")
                    .doesNotContain("No Python figures");
            for (String step : List.of("producer, the lesson's safe settings", "producer, tuned", "consumer, JSON into records")) {
                assertThat(run.out()).containsPattern(Pattern.quote(step) + " +\\| " + rate + " +\\| " + rate + " +\\| [0-9]+\\.[0-9]{2}x");
            }
        } else {
            assertThat(run.out()).contains("No Python figures: ").containsPattern("producer, tuned +\\| " + rate + " +\\| not run +\\| -");
        }
        // the chart: the comparison's figures, Python's bar beside Java's, then the end-to-end row; nothing else left in work/
        var figures = new java.util.LinkedHashMap<String, String>();
        BenchChart.tableFigures(run.out(), "Java msg/s", "step").forEach((step, figure) -> figures.put(step + ", Java", figure));
        if (confluentKafka) BenchChart.tableFigures(run.out(), "Python msg/s", "step").forEach((step, figure) -> figures.put(step + ", Python", figure));
        String endToEnd = "end-to-end: consume, upsert into SQLite, commit, commit offsets";
        figures.put(endToEnd, BenchChart.tableFigures(run.out(), "msg/s", "step").get(endToEnd));
        assertThat(figures).hasSize(confluentKafka ? 7 : 4);
        String text = BenchChart.check(dir, "bench-kafka", run, figures);
        assertThat(text).contains("2,000 JSON orders", "msg/s", "Java");
        if (confluentKafka) assertThat(text).contains("Python confluent-kafka");
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("only the chart is left").containsExactly("bench");
        }
    }

    @Test
    void withoutConfluentKafkaThePythonRowsSaySoAndTheJavaRowsRun() {
        var env = new java.util.HashMap<>(KafkaBroker.shared().env());
        env.put("ELKIT_PYTHON", dir.resolve("no-such-python3").toString());
        var run = ScriptRun.run("bench-kafka", dir, env, "1000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("consumer, JSON into records +\\| +1000 \\| yes ")
                .containsPattern("Python peer: none \\(\\S*no-such-python3 not found; Debian: apt-get install python3-confluent-kafka, "
                        + "or set ELKIT_PYTHON to a python that has it\\)")
                .containsPattern("No Python figures: \\S*no-such-python3 not found; Debian: apt-get install python3-confluent-kafka, "
                        + "or set ELKIT_PYTHON to a python that has it");
        for (String step : List.of("producer, the lesson's safe settings", "producer, tuned", "consumer, JSON into records")) {
            assertThat(run.out()).containsPattern(Pattern.quote(step) + " +\\| [0-9][0-9,]* +\\| not run +\\| -");
        }
    }

    @Test
    void aCountThatIsNotANumberIsAUsageError() {
        var run = ScriptRun.run("bench-kafka", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-kafka: usage: bench-kafka [messages] [--verbose]   ('lots' is not a whole number)");
    }

    static boolean confluentKafkaInstalled() {
        if (!Files.isExecutable(Python.PYTHON3)) return false;
        var probe = ScriptRun.exec(List.of(Python.PYTHON3.toString(), "-c", "import confluent_kafka"), Path.of(System.getProperty("java.io.tmpdir")), Map.of());
        return probe.exitCode() == 0;
    }

    /** The producer settings queue-kafka.java puts (the safe ones and the fast ones), as bench-kafka labels them. */
    static String lessonProducerSettings() throws IOException {
        var settings = new ArrayList<String>();
        var put = Pattern.compile("producerConfig\\.put\\(ProducerConfig\\.(ACKS|ENABLE_IDEMPOTENCE|LINGER_MS|BATCH_SIZE|COMPRESSION_TYPE)_CONFIG, (.+)\\);");
        for (String line : Files.readAllLines(Repo.path("scripts/queue-kafka.java"))) {
            var m = put.matcher(line.strip());
            if (!m.matches()) continue;
            String name = m.group(1).toLowerCase().replace('_', '.');
            String value = m.group(2).replace("\"", "");
            if (name.equals("batch.size")) {
                int bytes = 1;
                for (String factor : value.split("\\*")) bytes *= Integer.parseInt(factor.strip());
                value = (bytes / 1024) + " KiB";
            }
            settings.add(name + "=" + value);
        }
        return String.join(", ", settings);
    }
}
