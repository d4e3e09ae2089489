///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Section 8 benchmark: N source rows in PostgreSQL (default 1,000,000), 1% changed; the incremental sync against a full reload into DuckDB in the same run, and Debezium's change events per second into a SQLite replica.
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//MAIN bench_incremental
//SOURCES load-incremental.java
//SOURCES cdc-postgres.java
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalApi.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Options;
import elkit.Scratch;
import elkit.local.LocalPostgres;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage: bench-incremental [rows] [--verbose]   (default 1,000,000)
 * Source: PG_URL, PG_USER, PG_PASSWORD (wal_level=logical for the CDC part), else a local PostgreSQL.
 * Builds the lesson's orders table with N rows, loads it into DuckDB (a full reload), changes 1% of
 * the rows, then times a second full reload and the incremental sync of that 1%, checking that
 * both leave the same table; then streams the same kind of change (1% of the rows updated) through
 * Debezium into a SQLite replica and reports events/s. A benchmark, not a test.
 */
class bench_incremental {

    static final String SLOT = "elkit_bench";

    static final Options OPTIONS = Options.usage("bench-incremental [rows]")
            .argument("rows", "source rows (default 1,000,000; at least 100), of which 1% change")
            .env("PostgreSQL");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_incremental::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        int rows = Bench.rows("bench-incremental", args, 1_000_000);
        if (rows < 100) throw Cli.fail(2, "usage: bench-incremental [rows] [--verbose]   (rows must be at least 100, so that 1%% is a row; got %d)", rows);
        int changes = rows / 100; // ids ending in 50: 1%, counted by the UPDATE itself below
        String machine = Bench.machine();
        System.out.println(machine);
        var bars = new java.util.ArrayList<Charts.Bar>(); // the chart: round 2's seconds, then Debezium's
        Path work = Files.createTempDirectory(Env.workDir(), "bench-incremental-");
        try (var local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String url = env.get("PG_URL");
            String user = local != null ? env.get("PG_USER") : Env.required("PG_USER", "set it with PG_URL and PG_PASSWORD");
            String password = env.getOrDefault("PG_PASSWORD", "");
            try (Connection source = load_incremental.connect(url, user, password);
                 Connection target = DriverManager.getConnection("jdbc:duckdb:" + work.resolve("bench.duckdb"))) {
                try (var stmt = target.createStatement()) {
                    stmt.execute("CREATE TABLE _sync_state (stream VARCHAR PRIMARY KEY, cursor_updated_at TIMESTAMPTZ, cursor_id BIGINT, rows_loaded BIGINT NOT NULL)");
                }
                Cli.step(String.format(Locale.US, "Source: %,d rows; the first full reload", rows));
                load_incremental.createSource(source, rows);
                var first = load_incremental.fullReload(source, target);
                System.out.printf(Locale.US, "first full reload: %,d rows in %.2f s%n", first.rows(), first.seconds());

                // Two rounds of the same work; the second is reported: by then both paths ran once, JIT and caches warm
                var settings = new load_incremental.Settings(10_000, "add", -1, false);
                for (int round = 1; round <= 2; round++) {
                    Cli.step(String.format(Locale.US, "Round %d: 1%% of the rows changed; incremental sync, then a full reload of the same state", round));
                    changes = changeOnePercent(source);
                    var incremental = load_incremental.sync(source, target, settings);
                    String afterSync = checksum(target);
                    var full = load_incremental.fullReload(source, target);
                    String afterReload = checksum(target);
                    String ofSource = checksum(source);
                    if (incremental.rows() != changes || !afterSync.equals(ofSource) || !afterReload.equals(ofSource)) {
                        throw Cli.fail("the loads disagree: the sync took %d rows (expected %d); source %s, after the sync %s, after the reload %s",
                                incremental.rows(), changes, ofSource, afterSync, afterReload);
                    }
                    System.out.printf(Locale.US, "%-34s %,12d rows %8.2f s %,14.0f rows/s%n", "full reload (every row)", full.rows(), full.seconds(), full.rowsPerSecond());
                    System.out.printf(Locale.US, "%-34s %,12d rows %8.2f s %,14.0f rows/s%n", "incremental sync (the 1%)", incremental.rows(), incremental.seconds(), incremental.rowsPerSecond());
                    double ratio = full.seconds() / incremental.seconds();
                    System.out.printf(Locale.US, "%s: the incremental sync of 1%% is %.1fx faster than the full reload (goal: at least 20x) %s%n",
                            round == 1 ? "round 1 (cold, not the figure)" : "round 2", ratio, round == 1 ? "" : ratio >= 20 ? "MET" : "NOT MET");
                    System.out.println("both leave the same table: " + ofSource);
                    if (round == 2) {
                        bars.add(new Charts.Bar("full reload (every row)", "Java", String.format(Locale.US, "%.2f", full.seconds())));
                        bars.add(new Charts.Bar("incremental sync (the 1%)", "Java", String.format(Locale.US, "%.2f", incremental.seconds())));
                    }
                }

                Cli.step(String.format(Locale.US, "Debezium: %,d update events streamed into a SQLite replica", changes));
                cdc(source, url, user, password, rows, changes, work, bars);
            }
        } finally {
            Scratch.delete(work);
            System.out.println("Deleted the benchmark's files in " + work);
        }
        System.out.println(Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-incremental",
                String.format(Locale.US, "bench-incremental: seconds (lower is better), %,d source rows, 1%% changed", rows),
                machine, "seconds", bars, false)).line());
    }

    static int changeOnePercent(Connection source) throws SQLException {
        return load_incremental.update(source, "UPDATE orders SET amount = amount + 1, status = 'changed', updated_at = clock_timestamp() WHERE id % 100 = 50");
    }

    /** Count, sum of amounts and the latest change: equal on both sides when the target holds the source. */
    static String checksum(Connection conn) throws SQLException {
        var row = Db.query(conn, "SELECT COUNT(*) AS n, SUM(amount) AS total, COUNT(DISTINCT status) AS statuses FROM orders").get(0);
        return String.format(Locale.US, "%d rows, amount %s, %s statuses", ((Number) row.get("n")).longValue(),
                new java.math.BigDecimal(row.get("total").toString()).stripTrailingZeros().toPlainString(), row.get("statuses"));
    }

    /** The slot is made before the change, so the engine streams it; no snapshot (snapshot.mode=no_data). */
    static void cdc(Connection source, String url, String user, String password, int rows, int changes, Path work, List<Charts.Bar> bars) throws Exception {
        cdc_postgres.checkSource(source, url, user, SLOT);
        var where = cdc_postgres.PG_URL.matcher(url);
        if (!where.matches()) throw Cli.fail(2, "PG_URL must look like jdbc:postgresql://host:port/database, got %s", Db.safeUrl(url));
        var config = cdc_postgres.engineConfig(where.group(1), where.group(2) == null ? "5432" : where.group(2), where.group(3),
                user, password, SLOT, work.resolve("offsets.dat"));
        config.setProperty("table.include.list", "public.orders");
        config.setProperty("snapshot.mode", "no_data");
        config.setProperty("decimal.handling.mode", "string");
        config.setProperty("max.batch.size", "4096");
        var json = new ObjectMapper();
        var applied = new AtomicLong();
        var firstEvent = new AtomicLong();
        try (Connection replica = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("replica.db"))) {
            try (var stmt = replica.createStatement()) {
                stmt.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount TEXT, status TEXT, updated_at TEXT)");
            }
            replica.setAutoCommit(false);
            var upsert = replica.prepareStatement("""
                    INSERT INTO orders VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET customer = excluded.customer,
                    amount = excluded.amount, status = excluded.status, updated_at = excluded.updated_at""");
            var failure = new Throwable[1];
            DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                    .using(config)
                    .using((success, message, error) -> { if (!success) failure[0] = error != null ? error : new IllegalStateException(message); })
                    .notifying((records, committer) -> {
                        firstEvent.compareAndSet(0, System.nanoTime());
                        try {
                            for (var record : records) {
                                JsonNode after = json.readTree(record.value()).get("after");
                                upsert.setLong(1, after.get("id").asLong());
                                upsert.setString(2, after.get("customer").asText());
                                upsert.setString(3, after.get("amount").asText());
                                upsert.setString(4, after.get("status").asText());
                                upsert.setString(5, after.get("updated_at").asText());
                                upsert.addBatch();
                            }
                            upsert.executeBatch();
                            replica.commit();
                        } catch (Exception e) {
                            throw new IllegalStateException("the replica could not apply a batch: " + Cli.reason(e), e);
                        }
                        for (var record : records) committer.markProcessed(record);
                        committer.markBatchFinished();
                        applied.addAndGet(records.size());
                    })
                    .build();
            var thread = Executors.newSingleThreadExecutor();
            try {
                thread.execute(engine);
                // the engine is streaming once its slot exists and is in use
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Db.query(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active", SLOT).isEmpty()) {
                    if (failure[0] != null) throw Cli.fail("change data capture stopped: %s", Cli.reason(failure[0]));
                    if (System.nanoTime() > deadline) throw Cli.fail("the Debezium engine did not open its slot within 60 s");
                    Thread.sleep(100);
                }
                Thread.sleep(500); // the slot is active before the connector asks for changes
                long started = System.nanoTime();
                changeOnePercent(source);
                long committed = System.nanoTime();
                deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (applied.get() < changes) {
                    if (failure[0] != null) throw Cli.fail("change data capture stopped: %s", Cli.reason(failure[0]));
                    if (System.nanoTime() > deadline) throw Cli.fail("only %d of %d events arrived within 10 minutes", applied.get(), changes);
                    Thread.sleep(20);
                }
                long done = System.nanoTime();
                double seconds = (done - started) / 1e9;
                double streaming = (done - firstEvent.get()) / 1e9;
                System.out.printf(Locale.US, "UPDATE of %,d rows committed in %.2f s on the source%n", changes, (committed - started) / 1e9);
                System.out.printf(Locale.US, "%-34s %,12d events %6.2f s %,14.0f events/s%n", "Debezium, UPDATE to replica", applied.get(), seconds, applied.get() / seconds);
                System.out.printf(Locale.US, "%-34s %,12d events %6.2f s %,14.0f events/s%n", "Debezium, first event to last", applied.get(), streaming, applied.get() / Math.max(streaming, 1e-9));
                bars.add(new Charts.Bar("Debezium, UPDATE to replica", "Java", String.format(Locale.US, "%.2f", seconds)));
                bars.add(new Charts.Bar("Debezium, first event to last", "Java", String.format(Locale.US, "%.2f", streaming)));
                var replicated = Db.query(replica, "SELECT COUNT(*) AS n FROM orders WHERE status = 'changed'").get(0).get("n");
                if (((Number) replicated).longValue() != changes) throw Cli.fail("the replica holds %s changed rows, expected %d", replicated, changes);
                replica.commit();
            } finally {
                engine.close();
                thread.shutdown();
                thread.awaitTermination(30, TimeUnit.SECONDS);
                cdc_postgres.dropSlot(source, SLOT);
                try (var stmt = source.createStatement()) {
                    stmt.execute("DROP PUBLICATION IF EXISTS " + SLOT);
                }
                System.out.println("Dropped the replication slot " + SLOT + " and its publication");
            }
        }
    }
}
