///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Beyond the chapter, section 8: log-based change data capture with Debezium's embedded engine (pgoutput), applied to a SQLite replica idempotently, stopped and resumed from stored offsets, the replica checked equal to the source.
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS io.debezium:debezium-embedded:3.6.1.Final
//DEPS io.debezium:debezium-connector-postgres:3.6.1.Final
//DEPS org.apache.kafka:kafka-clients:4.3.2
//DEPS org.apache.kafka:connect-api:4.3.2
//DEPS org.apache.kafka:connect-runtime:4.3.2
//DEPS org.apache.kafka:connect-json:4.3.2
//DEPS org.apache.kafka:connect-transforms:4.3.2
// Connect's REST server (Jetty, Jersey) comes with the engine, which never starts it: pinned to the versions the
// tests run with, where S3Proxy needs Jetty 12.1 on the same class path (ClasspathParityTest)
//DEPS org.eclipse.jetty:jetty-bom:12.1.8@pom org.eclipse.jetty.ee10:jetty-ee10-bom:12.1.8@pom
//DEPS jakarta.ws.rs:jakarta.ws.rs-api:3.1.0 jakarta.xml.bind:jakarta.xml.bind-api:4.0.2 jakarta.activation:jakarta.activation-api:2.1.3
//DEPS jakarta.annotation:jakarta.annotation-api:3.0.0 com.google.protobuf:protobuf-java:4.33.2 com.github.luben:zstd-jni:1.5.6-10
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Options;
import elkit.Progress;
import elkit.Table;
import elkit.local.LocalPostgres;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Usage: cdc-postgres [--slot NAME] [--replica FILE] [--verbose]
 * Source: PG_URL (a JDBC URL), PG_USER, PG_PASSWORD, a PostgreSQL with wal_level=logical and a user
 * that may replicate; when PG_URL is unset, a local PostgreSQL started for this run. The replica is
 * a SQLite file (default work/cdc-replica.db). The lesson makes the replication slot (default
 * elkit_cdc) and the publication it reads, and drops both at the end.
 */
class cdc_postgres {

    static final String TABLE = "customers_cdc";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern PG_URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+).*");

    /** One change as the replica applied it: the operation, the key, and both images. */
    record Change(String op, long id, JsonNode before, JsonNode after) {
        @Override
        public String toString() {
            return String.format("%s id=%d before=%s after=%s", op, id, before, after);
        }
    }

    static final Options OPTIONS = Options.usage("cdc-postgres")
            .option("--slot NAME", "the replication slot the lesson makes and drops (default elkit_cdc)")
            .option("--replica FILE", "the SQLite replica (default work/cdc-replica.db)")
            .env("PostgreSQL");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(cdc_postgres::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        var rest = new ArrayList<>(args);
        String slot = Options.value(rest, "--slot", "elkit_cdc");
        Path replicaFile = Path.of(Options.value(rest, "--replica", Env.workDir().resolve("cdc-replica.db").toString()));
        if (!rest.isEmpty() || !slot.matches("[a-z0-9_]{1,63}")) {
            throw Cli.fail(2, "usage: cdc-postgres [--slot NAME] [--replica FILE]   (a slot name is lower-case letters, digits and _)");
        }
        // The source: the user's server from PG_URL, else a real PostgreSQL with logical decoding on
        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String url = env.get("PG_URL");
            String user = local != null ? env.get("PG_USER") : Env.required("PG_USER", "set it with PG_URL and PG_PASSWORD");
            String password = env.getOrDefault("PG_PASSWORD", "");
            teach(url, user, password, slot, replicaFile);
        }
    }

    static void teach(String url, String user, String password, String slot, Path replicaFile) throws Exception {
        var where = PG_URL.matcher(url);
        if (!where.matches()) throw Cli.fail(2, "PG_URL must look like jdbc:postgresql://host:port/database, got %s", Db.safeUrl(url));
        var props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10"); // seconds; a loaded machine may need them
        props.setProperty("loginTimeout", "10");

        // Check the source before making anything: login, logical decoding, replication, the slot, the key
        Cli.step("Check the source: logical decoding, a user that may replicate, a free slot, a primary key");
        Connection source;
        try {
            source = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw Cli.fail("cannot connect to PostgreSQL at %s as user %s: %s", Db.safeUrl(url), user, Db.reason(e));
        }
        try (source) {
            checkSource(source, url, user, slot);
            System.out.println("wal_level=logical, user " + user + " may replicate, no slot named " + slot + " yet, "
                    + TABLE + " has a primary key (or is new)");

            // The source table: a primary key, and REPLICA IDENTITY FULL so that updates and deletes carry the old row
            Cli.step("Prepare the source table " + TABLE + " (3 customers; REPLICA IDENTITY FULL)");
            try (var stmt = source.createStatement()) {
                stmt.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)");
                stmt.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
                stmt.execute("DELETE FROM " + TABLE);
                stmt.execute("INSERT INTO " + TABLE + " VALUES (1, 'Alice', 'alice@example.com', 'basic'), "
                        + "(2, 'Bob', 'bob@example.com', 'basic'), (3, 'Carol', 'carol@example.com', 'pro')");
            }
            boolean publicationExisted = !Db.query(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", slot).isEmpty();

            // The replica: SQLite, and the engine's offsets in a file beside it, both fresh for this run
            Files.deleteIfExists(replicaFile);
            Path offsets = replicaFile.resolveSibling(replicaFile.getFileName() + ".offsets");
            Files.deleteIfExists(offsets);
            try (var replica = new Replica(replicaFile)) {
                Properties config = engineConfig(where.group(1), where.group(2) == null ? "5432" : where.group(2),
                        where.group(3), user, password, slot, offsets);
                try {
                    stream(source, replica, config, url);
                } finally {
                    // Drop the slot we made: a slot nobody reads keeps every WAL segment since its position, and fills the disk
                    Cli.step("Drop the replication slot and the publication the lesson made");
                    dropSlot(source, slot);
                    if (!publicationExisted) {
                        try (var stmt = source.createStatement()) {
                            stmt.execute("DROP PUBLICATION IF EXISTS " + slot);
                        }
                    }
                    Files.deleteIfExists(offsets);
                    System.out.println("Dropped the replication slot " + slot
                            + (publicationExisted ? "" : " and the publication " + slot) + "; deleted the offsets file");
                }
            }
        }
    }

    static void stream(Connection source, Replica replica, Properties config, String url) throws Exception {
        // Start the engine: a snapshot of the table first (op r), then every change from the slot
        Cli.step("Start Debezium's embedded engine: snapshot, then stream from the slot");
        var engine = Engine.start(config, replica);
        var snapshot = replica.await(3, engine);
        snapshot.forEach(System.out::println);

        // Insert, update, delete on the source: each arrives as an event, in commit order, with before and after
        Cli.step("Insert, update and delete on the source; the events arrive in order, with before and after images");
        try (var stmt = source.createStatement()) {
            stmt.execute("INSERT INTO " + TABLE + " VALUES (4, 'Dan', 'dan@example.com', 'basic')");
            stmt.execute("UPDATE " + TABLE + " SET tier = 'gold' WHERE id = 2");
            stmt.execute("DELETE FROM " + TABLE + " WHERE id = 3");
        }
        var changes = replica.await(3, engine);
        changes.forEach(System.out::println);

        // Stop the reader: its offsets are stored (after the replica committed), the slot keeps the rest
        Cli.step("Stop the engine; change the source while nobody reads");
        engine.close();
        try (var stmt = source.createStatement()) {
            stmt.execute("INSERT INTO " + TABLE + " VALUES (5, 'Erin', 'erin@example.com', 'pro')");
            stmt.execute("UPDATE " + TABLE + " SET email = 'dan@example.org' WHERE id = 4");
            stmt.execute("DELETE FROM " + TABLE + " WHERE id = 1");
        }
        System.out.println("3 changes made while stopped: the replica still has ids " + replica.ids()
                + ", the source has " + Db.query(source, "SELECT id FROM " + TABLE + " ORDER BY id").stream().map(r -> r.get("id")).toList());

        // Restart from the stored offsets: the changes made while stopped, and nothing before them
        Cli.step("Restart from the stored offsets: no new snapshot, nothing lost, nothing twice");
        engine = Engine.start(config, replica);
        try {
            var resumed = replica.await(3, engine);
            resumed.forEach(System.out::println);
            boolean freshStart = resumed.get(0).op().equals("c") && resumed.get(0).id() == 5;
            if (!freshStart) throw Cli.fail("the restarted engine began with %s, not with the first change made while it was stopped", resumed.get(0));
            System.out.println("Resumed at the first change made while stopped: no snapshot again, no event replayed");
        } finally {
            engine.close();
        }

        // The replica equals the source, row by row
        Cli.step("Compare the replica with the source, row by row");
        var sourceRows = Db.query(source, "SELECT id, name, email, tier FROM " + TABLE + " ORDER BY id");
        var replicaRows = replica.rows();
        Table.print(replicaRows);
        if (!rowsText(sourceRows).equals(rowsText(replicaRows))) {
            throw Cli.fail("the replica differs from the source: source %s, replica %s", rowsText(sourceRows), rowsText(replicaRows));
        }
        System.out.println("The replica equals the source: " + replicaRows.size() + " rows, every column");
    }

    /** The engine's settings: the PostgreSQL connector with pgoutput, one table, offsets in a file. */
    static Properties engineConfig(String host, String port, String database, String user, String password,
                                   String slot, Path offsets) {
        var config = new Properties();
        config.setProperty("name", "elkit-cdc");
        config.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.setProperty("database.hostname", host);
        config.setProperty("database.port", port);
        config.setProperty("database.dbname", database);
        config.setProperty("database.user", user);
        config.setProperty("database.password", password);
        config.setProperty("topic.prefix", "elkit");
        // pgoutput: PostgreSQL's own logical decoding plugin (10+), nothing to install on the server
        config.setProperty("plugin.name", "pgoutput");
        config.setProperty("slot.name", slot);
        config.setProperty("publication.name", slot);
        config.setProperty("publication.autocreate.mode", "filtered"); // a publication for our table only
        config.setProperty("table.include.list", "public." + TABLE);
        config.setProperty("snapshot.mode", "initial"); // the rows already there first, once
        config.setProperty("tombstones.on.delete", "false");
        // Offsets: where in the log the replica is; flushed after every batch the replica committed
        config.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        config.setProperty("offset.storage.file.filename", offsets.toString());
        config.setProperty("offset.flush.interval.ms", "0");
        config.setProperty("poll.interval.ms", "100");
        config.setProperty("errors.max.retries", "0"); // a lost source stops the engine with its error, no endless retry
        config.setProperty("key.converter.schemas.enable", "false");
        config.setProperty("value.converter.schemas.enable", "false");
        return config;
    }

    /** Stops with one line when the source cannot feed change data capture; makes nothing. */
    static void checkSource(Connection source, String url, String user, String slot) throws SQLException {
        String walLevel = (String) Db.query(source, "SHOW wal_level").get(0).get("wal_level");
        if (!walLevel.equals("logical")) {
            throw Cli.fail("the source at %s has wal_level=%s: change data capture needs wal_level=logical "
                    + "(ALTER SYSTEM SET wal_level = logical, or set it in postgresql.conf, then restart PostgreSQL)",
                    Db.safeUrl(url), walLevel);
        }
        var role = Db.query(source, "SELECT rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user");
        if (!Boolean.TRUE.equals(role.get(0).get("ok"))) {
            throw Cli.fail("user %s may not read the replication stream: ALTER ROLE %s REPLICATION", user, user);
        }
        var slots = Db.query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
        if (!slots.isEmpty()) {
            throw Cli.fail("a replication slot named %s already exists on %s (%s): another reader owns it, or a run that "
                    + "stopped dead left it; if it is a stale one of yours, SELECT pg_drop_replication_slot('%s'), "
                    + "else pass --slot NAME", slot, Db.safeUrl(url),
                    Boolean.TRUE.equals(slots.get(0).get("active")) ? "in use now" : "not in use, and keeping WAL", slot);
        }
        var table = Db.query(source, """
                SELECT c.oid, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS has_key
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relname = ?""", TABLE);
        if (!table.isEmpty() && !Boolean.TRUE.equals(table.get(0).get("has_key"))) {
            throw Cli.fail("table public.%s has no primary key: a replica applies updates and deletes by key "
                    + "(ALTER TABLE %s ADD PRIMARY KEY (id))", TABLE, TABLE);
        }
    }

    /** Drops the slot once its reader has let go of it (a stopped engine's connection closes a moment later). */
    static void dropSlot(Connection source, String slot) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            var slots = Db.query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
            if (slots.isEmpty()) return; // never made (the engine did not get that far)
            if (!Boolean.TRUE.equals(slots.get(0).get("active"))) {
                Db.query(source, "SELECT pg_drop_replication_slot(?)::text AS dropped", slot);
                return;
            }
            if (System.nanoTime() > deadline) throw Cli.fail("the replication slot %s is still in use after 15 s; drop it by hand", slot);
            Thread.sleep(100);
        }
    }

    /** Debezium's engine on a thread of its own; close() stops it and flushes its offsets. */
    static final class Engine implements AutoCloseable {
        private final DebeziumEngine<ChangeEvent<String, String>> engine;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile Throwable failure;
        private volatile boolean stopped;

        private Engine(Properties config, Replica replica) {
            engine = DebeziumEngine.create(Json.class)
                    .using(config)
                    .using((success, message, error) -> {
                        if (!success) failure = error != null ? error : new IllegalStateException(message);
                        stopped = true;
                    })
                    .notifying(replica::apply)
                    .build();
        }

        static Engine start(Properties config, Replica replica) {
            var engine = new Engine(config, replica);
            engine.thread.execute(engine.engine);
            return engine;
        }

        /** Null while it runs well; else why it stopped. */
        String problem() {
            if (failure != null) return Cli.reason(failure);
            return stopped ? "the engine stopped" : null;
        }

        @Override
        public void close() throws Exception {
            engine.close();
            thread.shutdown();
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) throw Cli.fail("the Debezium engine did not stop within 30 s");
        }
    }

    /** The replica in SQLite: each batch of events in one transaction, upserts and deletes by key, so a replay changes nothing. */
    static final class Replica implements AutoCloseable {
        private final ObjectMapper json = new ObjectMapper();
        private final Connection db;
        private final List<Change> applied = new ArrayList<>();
        private int handedOut;

        Replica(Path file) throws SQLException {
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (var stmt = db.createStatement()) {
                stmt.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)");
            }
            db.setAutoCommit(false);
        }

        // Apply a batch: upsert the after image (r, c, u), delete by the before image's key (d); commit; then mark the offsets
        synchronized void apply(List<ChangeEvent<String, String>> events, DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
                throws InterruptedException {
            var batch = new ArrayList<Change>();
            try (var upsert = db.prepareStatement("""
                    INSERT INTO customers_cdc (id, name, email, tier) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, tier = excluded.tier""");
                 var delete = db.prepareStatement("DELETE FROM customers_cdc WHERE id = ?")) {
                for (var event : events) {
                    JsonNode value = json.readTree(event.value());
                    JsonNode before = value.get("before");
                    JsonNode after = value.get("after");
                    String op = value.get("op").asText();
                    if (op.equals("d")) {
                        delete.setLong(1, before.get("id").asLong());
                        delete.executeUpdate();
                    } else {
                        upsert.setLong(1, after.get("id").asLong());
                        upsert.setString(2, after.get("name").asText());
                        upsert.setString(3, after.get("email").isNull() ? null : after.get("email").asText());
                        upsert.setString(4, after.get("tier").asText());
                        upsert.executeUpdate();
                    }
                    batch.add(new Change(op, (op.equals("d") ? before : after).get("id").asLong(), before, after));
                }
                db.commit();
            } catch (Exception e) {
                try {
                    db.rollback();
                } catch (SQLException ignored) {
                    // the batch is not marked processed either way: the engine stops and hands it out again next run
                }
                throw new IllegalStateException("the replica could not apply a batch of " + events.size() + " events: " + Cli.reason(e), e);
            }
            for (var event : events) committer.markProcessed(event);
            committer.markBatchFinished();
            applied.addAll(batch);
            notifyAll();
        }

        /** Waits for the next {@code count} changes applied, at most a minute; stops when the engine failed. */
        synchronized List<Change> await(int count, Engine engine) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (var progress = Progress.start("change events", count)) { // on a terminal only: an engine's start takes seconds
                while (applied.size() < handedOut + count) {
                    if (engine.problem() != null) throw Cli.fail("change data capture stopped: %s", engine.problem());
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw Cli.fail("only %d of %d change events arrived within %d s", applied.size() - handedOut, count, WAIT.toSeconds());
                    wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
                    progress.stepTo(Math.min(count, applied.size() - handedOut));
                }
            }
            var next = List.copyOf(applied.subList(handedOut, handedOut + count));
            handedOut += count;
            return next;
        }

        synchronized List<Object> ids() throws SQLException {
            return Db.query(db, "SELECT id FROM " + TABLE + " ORDER BY id").stream().map(r -> r.get("id")).toList();
        }

        synchronized List<Map<String, Object>> rows() throws SQLException {
            return Db.query(db, "SELECT id, name, email, tier FROM " + TABLE + " ORDER BY id");
        }

        @Override
        public void close() throws SQLException {
            db.close();
        }
    }

    /** Rows as "id|name|email|tier" lines, to compare a source and a replica whatever their drivers' types. */
    static List<String> rowsText(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> r.get("id") + "|" + r.get("name") + "|" + r.get("email") + "|" + r.get("tier")).toList();
    }

}
