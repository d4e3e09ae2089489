package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark with a tiny N: its counts and sums and its arguments, not its speed (that is measured by running it). */
class BenchFilesTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunChecksCountsAndBalanceSumsComparesWithPythonAndCleansUp() {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "1,000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        // balances are (i % 1,000,000) / 100: 1..1000 sum to 500,500 cents, 1..200 to 20,100
        assertThat(run.out()).startsWith("Machine: ")
                .containsPattern("CSV  +1,000 rows .* write .* rows/s .* read .* rows/s .* write\\+read .* rows/s")
                .contains("        check: 1,000 rows, balance sum 5005.00, same as written")
                .containsPattern("JSON +1,000 rows")
                .containsPattern("XML  +200 rows")
                .containsPattern("XML DOM +200 rows")
                .contains("        check: 200 rows, balance sum 201.00, same as written")
                .containsPattern("CSV  +1,000 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("JSON +1,000 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("XML  +200 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("Deleted the benchmark's files in .*bench \\([0-9.]+ MB\\)");
        assertThat(dir.resolve("work/bench")).isEmptyDirectory();
    }

    @Test
    void aBadRowCountIsAUsageError() {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-files: usage: bench-files [rows] [--verbose]   ('lots' is not a whole number)");
    }

    @Test
    void extraArgumentsAreRefused() {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "1000", "json");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-files: usage: bench-files [rows] [--verbose]   (one argument expected, got 2: 1000 json)");
    }
}
