package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.BenchChart;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-load with a tiny N: the table, the count and sum checks, the arguments. Speed is not asserted. */
class BenchLoadTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunPrintsTheTableWithEveryLoadCheckedAndDrawsItsChart() throws Exception {
        var run = ScriptRun.run("bench-load", dir, Map.of("PG_URL", ""), "1,000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        String out = run.out();
        assertThat(out).startsWith("Machine: ").contains(" cores", "JVM: ", "# Rows per second (higher is better)", "(17 rows)")
                .containsPattern("database +\\| method +\\| rows loaded \\| count, sums \\| seconds \\| rows/s +\\| time for 1,000 rows");
        for (String line : new String[] {
                "SQLite +\\| row by row, autocommit +\\| +1000 \\| checked ",
                "SQLite +\\| batched, one transaction +\\| +1000 \\| checked ",
                "SQLite +\\| one transaction, no batch +\\| +1000 \\| checked ",
                "SQLite +\\| one transaction, no batch, no keys +\\| +1000 \\| checked ",
                "SQLite +\\| batched, no keys +\\| +1000 \\| checked ",
                "DuckDB +\\| row by row, autocommit +\\| +1000 \\| checked ",
                "DuckDB +\\| batched, one transaction +\\| +1000 \\| checked ",
                "DuckDB +\\| bulk: Appender, primary key +\\| +1000 \\| checked ",
                "DuckDB +\\| bulk: Appender, no key +\\| +1000 \\| checked ",
                "DuckDB +\\| bulk: COPY FROM csv, primary key +\\| +1000 \\| checked ",
                "DuckDB +\\| bulk: COPY FROM csv, no key +\\| +1000 \\| checked ",
                "DuckDB in memory +\\| bulk: COPY FROM csv, no key +\\| +1000 \\| checked ",
                "DuckDB in memory +\\| bulk: COPY FROM parquet, no key +\\| +1000 \\| checked ",
                "PostgreSQL +\\| row by row, autocommit +\\| +1000 \\| checked ",
                "PostgreSQL +\\| batched, one transaction +\\| +1000 \\| checked ",
                "PostgreSQL +\\| bulk: COPY FROM STDIN +\\| +1000 \\| checked ",
                "PostgreSQL +\\| batched, reWriteBatchedInserts +\\| +1000 \\| checked "}) {
            assertThat(out).containsPattern(line);
        }
        assertThat(out).doesNotContain("(extrapolated)")
                .containsPattern("Python sqlite3: 1,000 rows in [0-9.]+ s, [0-9,]+ rows/s, count and sum checked; "
                        + "Java's best SQLite batch is [0-9.]+x that")
                .containsPattern("Deleted the benchmark's files in .* \\([0-9.]+ MB\\)");
        // the databases and files are gone; the chart stays, with every row's rows/s and Python's beside SQLite's
        var figures = BenchChart.tableFigures(out, "rows/s", "database", "method");
        assertThat(figures).hasSize(17);
        var python = java.util.regex.Pattern.compile("Python sqlite3: 1,000 rows in [0-9.]+ s, ([0-9,]+) rows/s").matcher(out);
        assertThat(python.find()).isTrue();
        figures.put("SQLite, Python sqlite3 executemany, one commit", python.group(1));
        BenchChart.check(dir, "bench-load", run, figures);
        try (var left = java.nio.file.Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("bench");
        }
    }

    @Test
    void anUnreachableDatabasePrintsWhatWasMeasuredThenOneLine() {
        var run = ScriptRun.run("bench-load", dir, Map.of("PG_URL", "jdbc:postgresql://127.0.0.1:1/nowhere"), "100");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("# Rows per second (higher is better)", "(13 rows)")
                .containsPattern("DuckDB in memory +\\| bulk: COPY FROM parquet, no key +\\| +100 \\| checked ")
                .doesNotContain("PostgreSQL |");
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("bench-load: PostgreSQL at jdbc:postgresql://127.0.0.1:1/nowhere, row by row, autocommit: ")
                .contains("refused").endsWith(" (the table above is what was measured before)\n");
        assertThat(dir.resolve("work/bench.duckdb")).doesNotExist();
    }

    @Test
    void aRowCountThatIsNotANumberIsAUsageError() {
        var run = ScriptRun.run("bench-load", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-load: usage: bench-load [rows] [--verbose]   ('lots' is not a whole number)");
    }

    @Test
    void extraArgumentsAreRefused() {
        var run = ScriptRun.run("bench-load", dir, Map.of(), "1000", "postgres");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-load: usage: bench-load [rows] [--verbose]   (one argument expected, got 2: 1000 postgres)");
    }
}
