///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Section 9 benchmark: change events per second through Debezium's PostgreSQL source, Kafka and the JDBC sink on Kafka Connect, with one worker and with two, in one run; and the time from a worker's death until its tasks run again.
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS com.squareup.okhttp3:okhttp-jvm:5.5.1
//DEPS io.debezium:debezium-connector-postgres:3.6.1.Final
//DEPS org.apache.kafka:kafka-clients:4.3.2
//DEPS org.apache.kafka:connect-api:4.3.2
//DEPS org.apache.kafka:connect-runtime:4.3.2
//DEPS org.apache.kafka:connect-json:4.3.2
//DEPS org.apache.kafka:connect-transforms:4.3.2
// Connect's REST server (Jetty, Jersey): pinned to the versions the tests run with (ClasspathParityTest)
//DEPS org.eclipse.jetty:jetty-bom:12.1.8@pom org.eclipse.jetty.ee10:jetty-ee10-bom:12.1.8@pom
//DEPS jakarta.ws.rs:jakarta.ws.rs-api:3.1.0 jakarta.xml.bind:jakarta.xml.bind-api:4.0.2 jakarta.activation:jakarta.activation-api:2.1.3
//DEPS jakarta.annotation:jakarta.annotation-api:3.0.0 com.google.protobuf:protobuf-java:4.33.2 com.github.luben:zstd-jni:1.5.6-10
//DEPS org.postgresql:postgresql:42.7.13
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//MAIN bench_connect
//SOURCES connect-cluster.java
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Lab.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalConnect.java
//SOURCES ../lib/src/main/java/elkit/local/LocalKafka.java
//SOURCES ../lib/src/main/java/elkit/local/LocalPostgres.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java

import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Lab;
import elkit.Options;
import elkit.Scratch;
import elkit.Table;
import elkit.local.LocalKafka;
import elkit.local.LocalPostgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Usage: bench-connect [rows] [--verbose]   (default 20,000)
 * The lesson's cluster (connect-cluster's workers, connectors and configs), measured: N source rows
 * snapshotted through one worker, then every row updated three times, through one worker with one sink
 * task, one worker with four, and two workers with four; then the worker running the source is killed
 * and the time until every task runs again is reported. Same env vars as connect-cluster. A benchmark,
 * not a test: figures on 2 shared cores say little about a cluster, and the table says so.
 */
class bench_connect {

    static final Options OPTIONS = Options.usage("bench-connect [rows]")
            .argument("rows", "source rows (default 20,000; at least 100); each round updates every one of them")
            .env("Kafka", "PostgreSQL");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_connect::bench));
    }

    static void bench(List<String> args) throws Exception {
        int rows = Bench.rows("bench-connect", args, 20_000);
        if (rows < 100) throw Cli.fail(2, "usage: bench-connect [rows] [--verbose]   (rows must be at least 100, got %d)", rows);
        String machine = Bench.machine();
        System.out.println(machine);
        boolean usersSource = Env.optional("PG_URL").isPresent();
        if (usersSource && Env.optional("TARGET_PG_URL").isEmpty()) throw Cli.fail(2, "PG_URL is set but TARGET_PG_URL is not (see connect-cluster --help)");
        String bootstrap = Env.optional("KAFKA_BOOTSTRAP_SERVERS").orElse(null);
        if (bootstrap != null) connect_cluster.checkBroker(bootstrap);
        Path workDir = Scratch.folder("bench-connect");
        var results = new ArrayList<Map<String, Object>>();
        try {
            Path plugins = connect_cluster.installSinkPlugin(Lab.root(), workDir);
            try (var kafka = bootstrap != null ? null : LocalKafka.start();
                 var local = usersSource ? null : LocalPostgres.start()) {
                Map<String, String> env = local != null ? local.env() : System.getenv();
                String targetUrl = local != null ? connect_cluster.createTargetDatabase(local) : System.getenv("TARGET_PG_URL");
                var cluster = new connect_cluster.Pipeline(kafka != null ? kafka.bootstrapServers() : bootstrap, env.get("PG_URL"), targetUrl,
                        env.get("PG_USER"), env.getOrDefault("PG_PASSWORD", ""), "elkit_bench_connect", 10, workDir, plugins);
                try (Connection source = cluster.connect(cluster.sourceUrl, "PG_URL"); Connection target = cluster.connect(targetUrl, "TARGET_PG_URL")) {
                    run(cluster, source, target, rows, results);
                } finally {
                    cluster.cleanUp(kafka == null);
                }
            }
        } finally {
            Scratch.deleteQuietly(workDir);
        }
        Cli.step(String.format(Locale.US, "Change events per second, source -> Kafka -> sink (higher is better), %,d rows, 2 cores shared by every process", rows));
        Table.print(results);
        var bars = results.stream().filter(r -> !"-".equals(r.get("events/s")))
                .map(r -> new Charts.Bar((String) r.get("run"), "Java", (String) r.get("events/s"))).toList();
        System.out.println(Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-connect",
                String.format(Locale.US, "bench-connect: change events/s through Kafka Connect (higher is better), %,d rows", rows),
                machine, "events/s", bars, false)).line());
    }

    static void run(connect_cluster.Pipeline cluster, Connection source, Connection target, int rows, List<Map<String, Object>> results) throws Exception {
        cluster.prepare(source, target);
        try (var stmt = source.createStatement()) {
            stmt.execute("DELETE FROM " + connect_cluster.TABLE);
            stmt.execute("INSERT INTO " + connect_cluster.TABLE + " SELECT g, 'Customer ' || g, 'c' || g || '@example.com', 'basic' "
                    + "FROM generate_series(1, " + rows + ") g");
        }

        Cli.step("One worker: the snapshot of " + String.format(Locale.US, "%,d", rows) + " rows, then every row updated, with 1 sink task and with 4");
        cluster.workers.add(connect_cluster.Worker.start(1, cluster.bootstrap, cluster.workDir, cluster.plugins));
        connect_cluster.Worker.awaitReady(cluster.workers);
        long started = System.nanoTime();
        connect_cluster.put(cluster.anyUrl() + "/connectors/" + connect_cluster.SOURCE + "/config",
                connect_cluster.sourceConfig(cluster.sourceUrl, cluster.user, cluster.password, cluster.slot));
        connect_cluster.put(cluster.anyUrl() + "/connectors/" + connect_cluster.SINK + "/config",
                connect_cluster.sinkConfig(cluster.targetUrl, cluster.user, cluster.password, 1, connect_cluster.TABLE));
        awaitCount(cluster, target, "SELECT COUNT(*) AS n FROM " + connect_cluster.TABLE, rows, "the snapshot");
        results.add(result("snapshot, 1 worker, 1 sink task (connector start included)", rows, started));

        results.add(updateRound(cluster, source, target, rows, "r1", "updates, 1 worker, 1 sink task"));
        scaleSink(cluster, 4);
        results.add(updateRound(cluster, source, target, rows, "r2", "updates, 1 worker, 4 sink tasks"));

        Cli.step("Two workers: the second joins, the tasks spread, every row updated again");
        var second = connect_cluster.Worker.start(2, cluster.bootstrap, cluster.workDir, cluster.plugins);
        cluster.workers.add(second);
        connect_cluster.Worker.awaitReady(List.of(second));
        connect_cluster.waitFor(cluster::spreadOverAll, "the sink tasks to spread over both workers", connect_cluster.WAIT);
        cluster.printPlacement(cluster.placement());
        results.add(updateRound(cluster, source, target, rows, "r3", "updates, 2 workers, 4 sink tasks"));

        Cli.step("Failover: kill the worker that runs the source task; time until every task runs again");
        var victim = cluster.workerRunning(cluster.placement(), connect_cluster.SOURCE + "/0");
        var survivor = cluster.workers.stream().filter(w -> w != victim).findFirst().orElseThrow();
        long killed = System.nanoTime();
        victim.kill();
        connect_cluster.waitFor(() -> cluster.allOn(survivor, 4), "every task to run on worker " + survivor.id, connect_cluster.WAIT);
        double failover = connect_cluster.seconds(killed);
        System.out.printf(Locale.US, "Every task runs on worker %d again %.1f s after the kill (session.timeout.ms %d, scheduled.rebalance.max.delay.ms %d)%n",
                survivor.id, failover, connect_cluster.Worker.SESSION_TIMEOUT_MS, connect_cluster.Worker.REBALANCE_DELAY_MS);
        results.add(updateRound(cluster, source, target, rows, "r4", "updates, 1 worker left after the kill, 4 sink tasks"));
        var row = new LinkedHashMap<String, Object>();
        row.put("run", "failover: kill -9 to every task RUNNING again");
        row.put("events", "-");
        row.put("seconds", String.format(Locale.US, "%.1f", failover));
        row.put("events/s", "-");
        results.add(row);
        if (!connect_cluster.rowsText(connect_cluster.rows(source)).equals(connect_cluster.rowsText(connect_cluster.rows(target)))) {
            throw Cli.fail("the target differs from the source after the benchmark");
        }
        System.out.println("The target equals the source row by row: " + String.format(Locale.US, "%,d", rows) + " rows");
    }

    /** One UPDATE of every row (one transaction, N change events); timed from the commit until the target has them all. */
    static Map<String, Object> updateRound(connect_cluster.Pipeline cluster, Connection source, Connection target, int rows, String tier, String label) throws Exception {
        long started = System.nanoTime();
        try (var stmt = source.createStatement()) {
            stmt.execute("UPDATE " + connect_cluster.TABLE + " SET tier = '" + tier + "'");
        }
        awaitCount(cluster, target, "SELECT COUNT(*) AS n FROM " + connect_cluster.TABLE + " WHERE tier = '" + tier + "'", rows, label);
        var result = result(label, rows, started);
        System.out.printf(Locale.US, "%-52s %,10d events %8.2f s %,10.0f events/s%n", label, rows, connect_cluster.seconds(started), rows / connect_cluster.seconds(started));
        return result;
    }

    static void scaleSink(connect_cluster.Pipeline cluster, int tasks) {
        connect_cluster.put(cluster.anyUrl() + "/connectors/" + connect_cluster.SINK + "/config",
                connect_cluster.sinkConfig(cluster.targetUrl, cluster.user, cluster.password, tasks, connect_cluster.TABLE));
        cluster.awaitRunning(tasks);
    }

    /** Waits until the target has {@code rows} rows that match; a task that FAILED ends the wait with its cause. */
    static void awaitCount(connect_cluster.Pipeline cluster, Connection target, String sql, int rows, String what) {
        connect_cluster.waitFor(() -> {
            cluster.failIfFailed(cluster.placement());
            try {
                return ((Number) Db.query(target, sql).get(0).get("n")).intValue() == rows;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, what + " to reach the target", java.time.Duration.ofMinutes(20));
    }

    static Map<String, Object> result(String label, int events, long startedNanos) {
        double seconds = connect_cluster.seconds(startedNanos);
        var row = new LinkedHashMap<String, Object>();
        row.put("run", label);
        row.put("events", String.format(Locale.US, "%,d", events));
        row.put("seconds", String.format(Locale.US, "%.2f", seconds));
        row.put("events/s", String.format(Locale.US, "%,.0f", events / seconds));
        return row;
    }
}
