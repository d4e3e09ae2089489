package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbDuckdbTest {

    @TempDir
    Path dir;

    @Test
    void fromTheRepositoryRootItQueriesTheSampleCsvAndParquetFiles() throws Exception {
        var run = ScriptRun.run("db-duckdb", Repo.root(), Map.of("ELKIT_WORK", dir.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("# In-memory database", "# Or file-based: " + dir.resolve("analytics.duckdb"))
                .contains("Stored 40 orders in table orders of " + dir.resolve("analytics.duckdb"))
                .contains("""
                        customer_id | order_count | total_spent
                        ------------+-------------+------------
                                105 |           9 |     4374.53
                                101 |           7 |     4160.92
                                103 |           7 |     3068.37
                                107 |           6 |     3057.81
                                109 |           4 |     1871.64
                                108 |           4 |     1284.13
                        (6 rows)
                        """)
                .contains("5101 |         108 | 2024-02-04 | 162.31", "5112 |         104 | 2024-12-30 | 772.72", "(12 rows)")
                .doesNotContain("2023-")
                .containsPattern("Appended 100,000 rows in [\\d.]+ s; the table has 100000 rows");
        try (var conn = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("analytics.duckdb"))) {
            assertThat(Db.query(conn, "SELECT COUNT(*) AS n, SUM(order_total) > 0 AS ok FROM orders"))
                    .containsExactly(Map.of("n", 40L, "ok", true));
        }
    }

    @Test
    void fromTheScriptsFolderTheSampleDataIsFoundToo() {
        var run = ScriptRun.run("db-duckdb", Repo.path("scripts"), Map.of("ELKIT_WORK", dir.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("read_csv_auto(../chapters/05-extract-load/data/orders.csv)", "(6 rows)", "(12 rows)");
    }

    @Test
    void aMissingCsvFileIsOneClearLine() {
        var run = ScriptRun.run("db-duckdb", dir, Map.of(), "no-such-orders.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("db-duckdb: input file no-such-orders.csv does not exist");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aParquetGlobThatMatchesNothingIsOneLine() {
        Path csv = Repo.path("chapters/05-extract-load/data/orders.csv");

        var run = ScriptRun.run("db-duckdb", dir, Map.of(), csv.toString(), dir.resolve("nothing/*.parquet").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("db-duckdb: ").contains("No files found that match the pattern").doesNotContain("\tat ");
    }
}
