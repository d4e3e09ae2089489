package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.BenchChart;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench-incremental, small: both loads leave the same table, the 1% is what the sync took, Debezium's
 * events all reach the replica, its slot is dropped and its files deleted. Figures are the benchmark's
 * business, not asserted here.
 */
class BenchIncrementalTest {

    @TempDir
    Path dir;

    @Test
    void aSmallRunChecksItsLoadsAndStreamsEveryChangeThenCleansUp() throws Exception {
        // no PG_URL: the benchmark starts its own local PostgreSQL (logical decoding on) and stops it
        var run = ScriptRun.run("bench-incremental", dir, Map.of(), "3,000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Source: orders in PostgreSQL, 3,000 rows")
                .containsPattern("full reload \\(every row\\) +3,000 rows")
                .containsPattern("incremental sync \\(the 1%\\) +30 rows")
                .containsPattern("round 2: the incremental sync of 1% is [\\d.]+x faster than the full reload")
                .contains("both leave the same table: 3000 rows")
                .containsPattern("Debezium, UPDATE to replica +30 events")
                .contains("Dropped the replication slot elkit_bench and its publication", "Deleted the benchmark's files in");
        // the chart: round 2's seconds and Debezium's, as printed; only the chart is left in the work folder
        var figures = new java.util.LinkedHashMap<String, String>();
        var round2 = java.util.regex.Pattern.compile("(?s)round 1 \\(cold.*?\n(full reload \\(every row\\)) +[\\d,]+ rows +([\\d.]+) s.*?\n(incremental sync \\(the 1%\\)) +[\\d,]+ rows +([\\d.]+) s")
                .matcher(run.out());
        assertThat(round2.find()).as("round 2's lines").isTrue();
        figures.put(round2.group(1), round2.group(2));
        figures.put(round2.group(3), round2.group(4));
        var debezium = java.util.regex.Pattern.compile("(?m)^(Debezium, [a-zA-Z ]+?) +[\\d,]+ events +([\\d.]+) s").matcher(run.out());
        while (debezium.find()) figures.put(debezium.group(1), debezium.group(2));
        assertThat(figures).hasSize(4);
        String text = BenchChart.check(dir, "bench-incremental", run, figures);
        assertThat(text).contains("3,000 source rows, 1% changed", "seconds (lower is better)");
        try (Stream<Path> work = Files.list(dir.resolve("work"))) {
            assertThat(work.map(p -> p.getFileName().toString()).toList()).as("left in the work folder").containsExactly("bench");
        }
    }

    @Test
    void fewerThanAHundredRowsIsAUsageError() {
        var run = ScriptRun.run("bench-incremental", dir, Map.of(), "50");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("bench-incremental: usage: bench-incremental [rows] [--verbose]   (rows must be at least 100, so that 1% is a row; got 50)\n");
    }
}
