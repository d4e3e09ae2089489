package elkit.tests.lessons.db;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalSqlServer;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.SkipReasons;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MSSQLServerContainer;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The container path: each database lesson against the real server image in Docker, passed by env
 * vars. Where no Docker engine answers (as on the machine this was written on), these are skipped.
 */
class DbContainersTest {

    static boolean docker;

    @TempDir
    Path dir;

    @BeforeAll
    static void checkDocker() {
        docker = LocalSqlServer.dockerAvailable();
    }

    @Test
    void dbPostgresAgainstPostgresInDocker() {
        Assumptions.assumeTrue(docker, SkipReasons.NO_DOCKER);
        try (var pg = new PostgreSQLContainer<>("postgres:16-alpine")) {
            pg.start();

            var run = ScriptRun.run("db-postgres", dir, Map.of(
                    "PG_URL", pg.getJdbcUrl(), "PG_USER", pg.getUsername(), "PG_PASSWORD", pg.getPassword()));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Heidi Park (ID: 109): $1,234,567.89",
                    "COPY loaded 10000 rows; customers_copy now has 10000 rows");
        }
    }

    @Test
    void dbMysqlAgainstMysqlInDocker() {
        Assumptions.assumeTrue(docker, SkipReasons.NO_DOCKER);
        try (var mysql = new MySQLContainer<>("mysql:8.4")) {
            mysql.start();

            var run = ScriptRun.run("db-mysql", dir, Map.of(
                    "MYSQL_URL", mysql.getJdbcUrl(), "MYSQL_USER", mysql.getUsername(), "MYSQL_PASSWORD", mysql.getPassword()));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Heidi Park (ID: 109): $1,234,567.89",
                    "Inserted 3 rows into customers_batch in one batch, committed once");
        }
    }

    @Test
    void dbSqlserverAgainstSqlServerInDocker() {
        Assumptions.assumeTrue(docker, SkipReasons.NO_DOCKER);
        try (var mssql = new MSSQLServerContainer<>(LocalSqlServer.IMAGE).acceptLicense()) {
            mssql.start();

            var run = ScriptRun.run("db-sqlserver", dir, Map.of(
                    "MSSQL_URL", mssql.getJdbcUrl(), "MSSQL_USER", mssql.getUsername(), "MSSQL_PASSWORD", mssql.getPassword()));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Heidi Park (ID: 109): $1,234,567.89",
                    "Inserted 3 rows into customers_batch in one batch, committed once");
        }
    }

    @Test
    void dbSqlserverStartsItsOwnContainerWhenTheUserOptsIn() {
        Assumptions.assumeTrue(docker, SkipReasons.NO_DOCKER);

        var run = ScriptRun.run("db-sqlserver", dir, Map.of("MSSQL_URL", "", "ELKIT_DOCKER", "1"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("[elkit] started SQL Server in Docker", "Heidi Park (ID: 109): $1,234,567.89");
    }
}
