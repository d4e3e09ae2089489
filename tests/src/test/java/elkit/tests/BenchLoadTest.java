package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-load with a tiny N: the table and the row-count checks work. Speed is not asserted. */
class BenchLoadTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunPrintsTheTableWithEveryLoadCounted() {
        var run = ScriptRun.run("bench-load", dir, Map.of("PG_URL", ""), "2000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        String out = run.out();
        assertThat(out).contains("# Rows per second (higher is better)", "(8 rows)")
                .containsPattern("database +\\| method +\\| rows loaded \\| count checked \\| seconds \\| rows/s +\\| time for 2,000 rows");
        for (String line : new String[] {
                "SQLite +\\| row by row, autocommit +\\| +2000 \\| yes ",
                "SQLite +\\| batched, one transaction +\\| +2000 \\| yes ",
                "DuckDB +\\| row by row, autocommit +\\| +2000 \\| yes ",
                "DuckDB +\\| batched, one transaction +\\| +2000 \\| yes ",
                "DuckDB +\\| bulk: Appender +\\| +2000 \\| yes ",
                "PostgreSQL +\\| row by row, autocommit +\\| +2000 \\| yes ",
                "PostgreSQL +\\| batched, one transaction +\\| +2000 \\| yes ",
                "PostgreSQL +\\| bulk: COPY +\\| +2000 \\| yes "}) {
            assertThat(out).containsPattern(line);
        }
        assertThat(out).doesNotContain("(extrapolated)");
    }

    @Test
    void aRowCountThatIsNotANumberIsOneLine() {
        var run = ScriptRun.run("bench-load", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-load: the number of rows must be a whole number above 0, got: lots");
    }
}
