// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS org.testcontainers:mssqlserver:1.21.4
//DEPS com.microsoft.sqlserver:mssql-jdbc:13.4.0.jre11
// Testcontainers' own jackson, commons-compress and annotations at the versions the tests run with (ClasspathParityTest)
//DEPS com.fasterxml.jackson:jackson-bom:2.23.0@pom org.apache.commons:commons-compress:1.28.0 org.jetbrains:annotations:13.0
//DEPS org.apache.commons:commons-lang3:3.20.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MSSQLServerContainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SQL Server has no embedded or in-process form: the only local one is Microsoft's Linux image in
 * Docker, started here with Testcontainers. It is used only when the user opts in with
 * {@code ELKIT_DOCKER=1} and a Docker engine answers; nothing else stands in for SQL Server.
 */
public final class LocalSqlServer implements LocalServer {

    public static final String IMAGE = "mcr.microsoft.com/mssql/server:2022-latest";

    private final MSSQLServerContainer<?> container;

    private LocalSqlServer(MSSQLServerContainer<?> container) {
        this.container = container;
    }

    /** Whether a Docker engine answers (Testcontainers' own check). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts SQL Server in Docker (accepting its EULA, as the image requires) and prints one line. */
    public static LocalSqlServer start() {
        long started = System.nanoTime();
        var container = new MSSQLServerContainer<>(IMAGE).acceptLicense();
        container.start();
        LocalServer.announce("MSSQL_URL", "a local SQL Server in Docker (" + IMAGE + ")",
                container.getHost() + ":" + container.getMappedPort(MSSQLServerContainer.MS_SQL_SERVER_PORT), started);
        return new LocalSqlServer(container);
    }

    /** The env-var contract pointing at this server: MSSQL_URL, MSSQL_USER, MSSQL_PASSWORD. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("MSSQL_URL", container.getJdbcUrl());
        env.put("MSSQL_USER", container.getUsername());
        env.put("MSSQL_PASSWORD", container.getPassword());
        return env;
    }

    @Override
    public void close() {
        container.stop();
    }
}
