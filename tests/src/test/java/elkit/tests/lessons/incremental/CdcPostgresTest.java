package elkit.tests.lessons.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Rows;

import elkit.local.LocalPostgres;
import elkit.tests.support.ScriptRun;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cdc-postgres against one local PostgreSQL with logical decoding: the events in order with their
 * images, the stop and the resume, the replica equal to the source, the slot and publication dropped;
 * and the bad inputs, each one line with nothing made or half-applied.
 */
class CdcPostgresTest {

    static LocalPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalPostgres.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    /** Every test leaves the server as it found it: no slot, no publication, no lesson table. */
    @AfterEach
    void noSlotOrPublicationLeft() throws SQLException {
        try (var conn = source(); var stmt = conn.createStatement()) {
            assertThat(Rows.strings(conn, "SELECT slot_name FROM pg_replication_slots")).as("replication slots left").isEmpty();
            assertThat(Rows.strings(conn, "SELECT pubname FROM pg_publication")).as("publications left").isEmpty();
            stmt.execute("DROP TABLE IF EXISTS customers_cdc");
        }
    }

    ScriptRun run(Map<String, String> env, String... args) {
        return ScriptRun.run("cdc-postgres", dir, env, args);
    }

    Connection source() throws SQLException {
        return DriverManager.getConnection(server.url(), server.env().get("PG_USER"), server.env().get("PG_PASSWORD"));
    }

    @Test
    void changesArriveInOrderWithTheirImagesTheLessonResumesAndTheReplicaEqualsTheSource() throws Exception {
        Path replica = dir.resolve("replica.db");

        var run = run(server.env(), "--replica", replica.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> events = run.out().lines().filter(l -> l.matches("[rcud] id=\\d+ .*")).toList();
        assertThat(events).containsExactly(
                "r id=1 before=null after={\"id\":1,\"name\":\"Alice\",\"email\":\"alice@example.com\",\"tier\":\"basic\"}",
                "r id=2 before=null after={\"id\":2,\"name\":\"Bob\",\"email\":\"bob@example.com\",\"tier\":\"basic\"}",
                "r id=3 before=null after={\"id\":3,\"name\":\"Carol\",\"email\":\"carol@example.com\",\"tier\":\"pro\"}",
                "c id=4 before=null after={\"id\":4,\"name\":\"Dan\",\"email\":\"dan@example.com\",\"tier\":\"basic\"}",
                "u id=2 before={\"id\":2,\"name\":\"Bob\",\"email\":\"bob@example.com\",\"tier\":\"basic\"} after={\"id\":2,\"name\":\"Bob\",\"email\":\"bob@example.com\",\"tier\":\"gold\"}",
                "d id=3 before={\"id\":3,\"name\":\"Carol\",\"email\":\"carol@example.com\",\"tier\":\"pro\"} after=null",
                // after the restart: only what changed while stopped, nothing from before
                "c id=5 before=null after={\"id\":5,\"name\":\"Erin\",\"email\":\"erin@example.com\",\"tier\":\"pro\"}",
                "u id=4 before={\"id\":4,\"name\":\"Dan\",\"email\":\"dan@example.com\",\"tier\":\"basic\"} after={\"id\":4,\"name\":\"Dan\",\"email\":\"dan@example.org\",\"tier\":\"basic\"}",
                "d id=1 before={\"id\":1,\"name\":\"Alice\",\"email\":\"alice@example.com\",\"tier\":\"basic\"} after=null");
        assertThat(run.out()).contains("3 changes made while stopped: the replica still has ids [1, 2, 4], the source has [2, 4, 5]",
                "Resumed at the first change made while stopped: no snapshot again, no event replayed",
                "The replica equals the source: 3 rows, every column",
                "Dropped the replication slot elkit_cdc and the publication elkit_cdc; deleted the offsets file");
        // the replica file, read by the test: the source's rows
        try (var source = source(); var copy = DriverManager.getConnection("jdbc:sqlite:" + replica)) {
            String sql = "SELECT id, name, email, tier FROM customers_cdc ORDER BY id";
            assertThat(Rows.strings(copy, sql)).isEqualTo(Rows.strings(source, sql))
                    .containsExactly("2|Bob|bob@example.com|gold", "4|Dan|dan@example.org|basic", "5|Erin|erin@example.com|pro");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsOnly("replica.db", "work");
        }
    }

    @Test
    void aSourceWithoutLogicalDecodingIsNamedWithTheSettingToChange() throws Exception {
        try (var plain = EmbeddedPostgres.builder().setServerConfig("wal_level", "replica")
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD).setErrorRedirector(ProcessBuilder.Redirect.DISCARD).start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + plain.getPort() + "/postgres";

            var run = run(Map.of("PG_URL", url, "PG_USER", "postgres", "PG_PASSWORD", "unused"), "--replica", dir.resolve("r.db").toString());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("cdc-postgres: the source at " + url + " has wal_level=replica: change data capture needs "
                    + "wal_level=logical (ALTER SYSTEM SET wal_level = logical, or set it in postgresql.conf, then restart PostgreSQL)\n");
            try (var conn = plain.getPostgresDatabase().getConnection()) {
                assertThat(Rows.strings(conn, "SELECT relname FROM pg_class WHERE relname = 'customers_cdc'")).isEmpty();
            }
        }
        assertThat(dir.resolve("r.db")).doesNotExist();
    }

    @Test
    void aWrongPasswordIsOneLineAndMakesNothing() throws Exception {
        var env = new HashMap<>(server.env());
        env.put("PG_PASSWORD", "not-the-password");

        var run = run(env, "--replica", dir.resolve("r.db").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cdc-postgres: cannot connect to PostgreSQL at " + server.url()
                + " as user data_engineer: FATAL: password authentication failed for user \"data_engineer\"\n");
        assertThat(dir.resolve("r.db")).doesNotExist();
    }

    @Test
    void aTableWithoutAPrimaryKeyIsRefusedBeforeAnythingIsMade() throws Exception {
        try (var conn = source(); var stmt = conn.createStatement()) {
            stmt.execute("CREATE TABLE customers_cdc (id INTEGER, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)");
            stmt.execute("INSERT INTO customers_cdc VALUES (7, 'Zoe', NULL, 'basic')");
        }

        var run = run(server.env(), "--replica", dir.resolve("r.db").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cdc-postgres: table public.customers_cdc has no primary key: a replica applies updates and "
                + "deletes by key (ALTER TABLE customers_cdc ADD PRIMARY KEY (id))\n");
        try (var conn = source()) {
            assertThat(Rows.strings(conn, "SELECT id, name FROM customers_cdc")).containsExactly("7|Zoe"); // untouched
        }
        assertThat(dir.resolve("r.db")).doesNotExist();
    }

    @Test
    void aSlotThatAlreadyExistsIsNamedAndLeftToItsOwner() throws Exception {
        try (var conn = source(); var stmt = conn.createStatement()) {
            stmt.execute("SELECT pg_create_logical_replication_slot('elkit_cdc', 'pgoutput')");
        }
        try {
            var run = run(server.env(), "--replica", dir.resolve("r.db").toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("cdc-postgres: a replication slot named elkit_cdc already exists on " + server.url()
                    + " (not in use, and keeping WAL): another reader owns it, or a run that stopped dead left it; if it is a stale one "
                    + "of yours, SELECT pg_drop_replication_slot('elkit_cdc'), else pass --slot NAME\n");
            try (var conn = source()) {
                assertThat(Rows.strings(conn, "SELECT slot_name FROM pg_replication_slots")).containsExactly("elkit_cdc"); // not ours to drop
                assertThat(Rows.strings(conn, "SELECT relname FROM pg_class WHERE relname = 'customers_cdc'")).isEmpty();
            }
        } finally {
            try (var conn = source(); var stmt = conn.createStatement()) {
                stmt.execute("SELECT pg_drop_replication_slot('elkit_cdc')");
            }
        }
    }
}
