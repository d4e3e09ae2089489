package elkit.tests.lessons.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Section 8's lessons against an independent PostgreSQL reached by PG_URL: Debian's postgresql-15
 * (not zonky's embedded one), initdb'd into a temp folder, wal_level=logical, scram-sha-256 logins,
 * a free port. Each lesson runs with a java.io.tmpdir of its own, which must be empty afterwards; the
 * server's folder is gone after the class. Skipped with its reason where the binaries are missing,
 * except under CI (.ci/run installs postgresql-15).
 */
class IndependentPostgresTest {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String PASSWORD = "independent-" + Long.toHexString(System.nanoTime());

    static Path folder;
    static int port;
    static boolean asPostgresUser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDebianPostgres() throws Exception {
        if (!Files.isExecutable(BIN.resolve("pg_ctl"))) {
            if ("true".equals(System.getenv("CI"))) fail("CI=true but " + BIN + " has no pg_ctl: install postgresql-15 (.ci/run does)");
            assumeTrue(false, "no independent PostgreSQL here: " + BIN + "/pg_ctl is missing (apt-get install postgresql-15)");
        }
        asPostgresUser = "root".equals(System.getProperty("user.name")); // initdb refuses to run as root
        folder = Files.createTempDirectory("elkit-pg15-");
        Files.writeString(folder.resolve("pw"), PASSWORD + "\n");
        if (asPostgresUser) exec(List.of("chown", "-R", "postgres", folder.toString()), false);
        port = Ports.closed();
        exec(List.of(BIN.resolve("initdb").toString(), "-D", folder.resolve("data").toString(), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + folder.resolve("pw"), "-E", "UTF8"), true);
        exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-l", folder.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + folder
                        + " -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10", "start"), true);
        try (var admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
             var stmt = admin.createStatement()) {
            stmt.execute("CREATE ROLE data_engineer LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
            stmt.execute("CREATE DATABASE analytics OWNER data_engineer");
        }
    }

    @AfterAll
    static void stopAndRemove() throws Exception {
        if (folder == null) return;
        try {
            exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-m", "fast", "-w", "stop"), true);
        } finally {
            elkit.Scratch.delete(folder);
        }
        assertThat(folder).doesNotExist();
    }

    static Map<String, String> env() {
        return Map.of("PG_URL", "jdbc:postgresql://127.0.0.1:" + port + "/analytics", "PG_USER", "data_engineer", "PG_PASSWORD", PASSWORD);
    }

    @Test
    void loadIncrementalRunsItsSevenStepsOnIt() throws Exception {
        var run = runWithOwnTmp("load-incremental", "--db", dir.resolve("t.duckdb").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("started a local PostgreSQL")
                .contains("300 rows lost", "1,500 different", "The rerun loaded 1,500 rows from the stored cursor; source 10,000 rows, target 10,000 rows: 0 missing, 0 extra, 0 different",
                        "With --on-new-column add: 20 rows loaded, 20 rows carry a discount; source 9,990 rows, target 9,990 rows: 0 missing, 0 extra, 0 different");
    }

    @Test
    void cdcPostgresStreamsResumesAndDropsItsSlotOnIt() throws Exception {
        var run = runWithOwnTmp("cdc-postgres", "--replica", dir.resolve("r.db").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("started a local PostgreSQL")
                .contains("Resumed at the first change made while stopped", "The replica equals the source: 3 rows, every column");
        try (var conn = DriverManager.getConnection(env().get("PG_URL"), "data_engineer", PASSWORD);
             var rs = conn.createStatement().executeQuery("SELECT COUNT(*) FROM pg_replication_slots")) {
            rs.next();
            assertThat(rs.getInt(1)).as("replication slots left").isZero();
        }
    }

    /** The lesson in its own JVM with PG_URL set and a java.io.tmpdir of its own, which must stay empty. */
    ScriptRun runWithOwnTmp(String script, String... args) throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ScriptRun.runtimeOptions(script));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Repo.scriptClass(script));
        command.addAll(List.of(args));
        var run = ScriptRun.exec(command, dir, env());
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("left in java.io.tmpdir").isEmpty();
        }
        return run;
    }

    static void exec(List<String> command, boolean asPostgres) throws Exception {
        var full = new ArrayList<String>();
        if (asPostgres && asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        Path log = Files.createTempFile("elkit-pg15-cmd", ".txt");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(full + " did not end within 2 minutes");
            }
            if (process.exitValue() != 0) throw new AssertionError(full + " failed: " + Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
