package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalSqlServer;
import elkit.tests.support.Ports;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * db-sqlserver where no SQL Server can run: it must say so and exit 2, and nothing may pretend to
 * be SQL Server. The lesson against a real SQL Server (in Docker) is in DbContainersTest.
 */
class DbSqlServerTest {

    static final String NEEDS_URL_OR_DOCKER = "db-sqlserver: SQL Server needs MSSQL_URL (a JDBC URL of a running server)"
            + " or Docker (set ELKIT_DOCKER=1 to start one with Testcontainers)";

    @TempDir
    Path dir;

    @Test
    void withoutUrlAndWithoutOptingIntoDockerItExitsWithCodeTwo() {
        var run = ScriptRun.run("db-sqlserver", dir, Map.of("MSSQL_URL", "", "ELKIT_DOCKER", ""));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly(NEEDS_URL_OR_DOCKER);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void optingIntoDockerWithoutADockerEngineAlsoExitsWithCodeTwo() {
        Assumptions.assumeFalse(LocalSqlServer.dockerAvailable(), "a Docker engine answers here: this test is for machines without one");

        var run = ScriptRun.run("db-sqlserver", dir, Map.of("MSSQL_URL", "", "ELKIT_DOCKER", "1"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly(
                "db-sqlserver: SQL Server needs MSSQL_URL or Docker: ELKIT_DOCKER=1 is set but no Docker engine answers");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aRefusedPortIsReportedInOneLineWithoutThePassword() {
        int port = Ports.closed();
        var env = Map.of("MSSQL_URL", "jdbc:sqlserver://127.0.0.1:" + port + ";databaseName=analytics;password=url-Secret-1",
                "MSSQL_USER", "sa", "MSSQL_PASSWORD", "env-Secret-2");

        var run = ScriptRun.run("db-sqlserver", dir, env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("db-sqlserver: cannot connect to SQL Server at jdbc:sqlserver://127.0.0.1:" + port
                        + ";databaseName=analytics;password=**** as user sa: The TCP/IP connection to the host 127.0.0.1, port "
                        + port + " has failed.")
                .doesNotContain("url-Secret-1", "env-Secret-2", "\tat ");
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTenSeconds() throws Exception {
        // the lesson's own wait, without the JVM's start and the script's compile (slow on a busy machine):
        // a refused port fails at once, so the silent port's run minus the refused port's run is the wait
        long started = System.nanoTime();
        var refused = ScriptRun.run("db-sqlserver", dir, Map.of("MSSQL_URL", "jdbc:sqlserver://127.0.0.1:" + Ports.closed()
                + ";databaseName=analytics", "MSSQL_USER", "sa", "MSSQL_PASSWORD", "x"));
        double startupSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        try (var silent = Ports.silent()) {
            var env = Map.of("MSSQL_URL", "jdbc:sqlserver://127.0.0.1:" + silent.getLocalPort() + ";databaseName=analytics",
                    "MSSQL_USER", "sa", "MSSQL_PASSWORD", "x");
            started = System.nanoTime();

            var run = ScriptRun.run("db-sqlserver", dir, env);

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith("db-sqlserver: cannot connect to SQL Server at jdbc:sqlserver://127.0.0.1:"
                    + silent.getLocalPort() + ";databaseName=analytics as user sa: ");
            assertThat(seconds - startupSeconds).as("seconds the lesson waited (%.1f s in all, %.1f s to start and fail at once)",
                    seconds, startupSeconds).isLessThan(10);
        }
    }
}
