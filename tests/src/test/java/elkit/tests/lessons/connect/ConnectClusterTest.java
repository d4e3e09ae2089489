package elkit.tests.lessons.connect;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.*;

import elkit.local.LocalPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * connect-cluster, once end to end against one PostgreSQL and the shared broker (two worker JVMs, the source
 * and the sink through REST, a worker killed, the rebalance, tasks.max 4, the bad inputs the lesson shows,
 * the clean-up), read on the side by librdkafka (Python's confluent-kafka); then the bad inputs a user can
 * give, each one line and cheap: nothing is started for them.
 */
@ExtendWith(KafkaBroker.class)
class ConnectClusterTest {

    /** A full run on 2 busy cores: two worker JVMs join a group, a failover, a restart, a worker that gives up. */
    static final Duration FULL_RUN = Duration.ofMinutes(12);
    static final String CHANGE_TOPIC = "elkit.public.customers_connect";

    static LocalPostgres server;
    static String targetUrl;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws SQLException {
        server = LocalPostgres.start();
        try (var admin = server.adminConnection(); var stmt = admin.createStatement()) {
            stmt.execute("CREATE DATABASE replica OWNER " + LocalPostgres.USER);
        }
        targetUrl = server.url().replaceAll("/" + LocalPostgres.DATABASE + "$", "/replica");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    Map<String, String> env() {
        var env = new HashMap<>(server.env());
        env.put("TARGET_PG_URL", targetUrl);
        env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers());
        env.put("ELKIT_REPO", Repo.root().toString());
        return env;
    }

    @Test
    void theClusterFailsOverRebalancesScalesAndLeavesNothingBehindWhileLibrdkafkaReadsTheChanges() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path pythonOut = dir.resolve("librdkafka.txt");
        Process reader = librdkafkaReader(KafkaBroker.shared().bootstrapServers(), pythonOut);
        var env = env();
        env.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);

        var run = ScriptRun.run(FULL_RUN, "connect-cluster", dir, env, "--changes", "120");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err().lines()).as(run.toString()).allMatch(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS"));
        String out = run.out();
        assertThat(out).contains("plugin.path/debezium-jdbc-sink: ", "Both workers joined group elkit-connect in ",
                "  -> elkit-pg-source created", "  -> elkit-jdbc-sink created",
                "The target equals the source row by row: ", "120 changes made, nothing lost",
                "4 sink tasks, 4 partitions of elkit.public.customers_connect: the target still equals the source");

        // the status API before and after the kill: the source task moved from the killed worker to the other one
        var status = Pattern.compile("GET /connectors/elkit-pg-source/status -> connector RUNNING on (\\S+), task 0 RUNNING on (\\S+)");
        var seen = status.matcher(out).results().map(m -> m.group(2)).toList();
        assertThat(seen).as(out).hasSize(2);
        var killed = Pattern.compile("Killed worker (\\d) \\(pid \\d+\\) after \\d+ of 120 changes").matcher(out);
        assertThat(killed.find()).as(out).isTrue();
        var workers = Pattern.compile("  worker (\\d) joined group elkit-connect after [\\d.]+ s \\(REST http://(127\\.0\\.0\\.1:\\d+)\\)")
                .matcher(out).results().toList();
        assertThat(workers).as(out).hasSizeGreaterThanOrEqualTo(3); // two at the start, the restarted one
        String victim = workers.stream().filter(m -> m.group(1).equals(killed.group(1))).findFirst().orElseThrow().group(2);
        assertThat(seen.get(0)).as("the source task ran on the worker that was killed").isEqualTo(victim);
        assertThat(seen.get(1)).as("after the kill it runs on the other").isNotEqualTo(victim)
                .isEqualTo(workers.stream().limit(2).filter(m -> !m.group(2).equals(victim)).findFirst().orElseThrow().group(2));
        assertThat(out).containsPattern("Every task runs on worker \\d again [\\d.]+ s after the kill");

        // the bad inputs, each on one line: Connect's own REST message, the failed task's cause, the worker's last words
        assertThat(out).contains("wrong class    -> PUT /connectors/elkit-bad-class/config -> HTTP 400: Failed to find any class that "
                + "implements Connector and which name matches io.debezium.connector.postgresql.PostgresConector\n");
        assertThat(out).contains("wrong password -> PUT /connector-plugins/PostgresConnector/config/validate -> 1 error(s): "
                + "database.hostname: Error while validating connector config: FATAL: password authentication failed for user \"data_engineer\"\n");
        assertThat(out).contains("table mismatch -> task elkit-bad-sink/0 FAILED: java.sql.SQLException: Cannot ALTER table 'customers_mismatch' "
                + "because field 'name' is not optional but has no default value\n");
        assertThat(out).containsPattern("no broker      -> worker 3 \\(bootstrap.servers=127.0.0.1:\\d+, nothing listens\\) exited with code 2 "
                + "after [\\d.]+ s without joining the group: the worker stopped: Failed to connect to and describe Kafka cluster\\. .*\n");

        // state: the target equals the source, read by the test itself
        try (var source = connect(server.url()); var target = connect(targetUrl)) {
            String sql = "SELECT id, name, email, tier FROM customers_connect ORDER BY id";
            // 3 customers, then 40 inserted across the kill, every second one deleted again, every seventh platinum
            assertThat(Rows.strings(target, sql)).isEqualTo(Rows.strings(source, sql)).hasSize(23)
                    .contains("2|Bob|bob@example.com|gold", "103|Customer 103|c103@example.net|gold", "217|Customer 217|c217@example.net|platinum")
                    .doesNotContain("3|Carol|carol@example.com|pro");
            assertThat(Rows.strings(source, "SELECT slot_name FROM pg_replication_slots")).as("replication slots left").isEmpty();
            assertThat(Rows.strings(source, "SELECT pubname FROM pg_publication")).as("publications left").isEmpty();
        }
        // nothing left behind: no topic of the lesson's, no worker process, nothing in its temp folder
        try (var admin = KafkaBroker.shared().admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .noneMatch(t -> t.startsWith("elkit-connect-") || t.equals(CHANGE_TOPIC));
        }
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("connect_cluster$WorkerMain"))).as("worker processes left").isEmpty();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("left in java.io.tmpdir").isEmpty();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsOnly("tmp", "librdkafka.txt");
        }

        // an independent client, not Java: librdkafka read the snapshot and the three changes from the change topic
        assertThat(reader.waitFor(60, TimeUnit.SECONDS)).as("the confluent-kafka reader ended").isTrue();
        String read = Files.readString(pythonOut, StandardCharsets.UTF_8);
        assertThat(read.lines().toList()).as(read).contains("r 1", "r 2", "r 3", "c 4", "u 2", "d 3");
    }

    @Test
    void aBrokerThatDoesNotAnswerIsOneLineBeforeAnythingStarts() throws Exception {
        var env = env();
        String nowhere = "127.0.0.1:" + freePort();
        env.put("KAFKA_BOOTSTRAP_SERVERS", nowhere);

        var run = ScriptRun.run("connect-cluster", dir, env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("connect-cluster: the Connect workers cannot reach the Kafka broker at " + nowhere
                + " (KAFKA_BOOTSTRAP_SERVERS): no answer within 15 s\n");
        assertThat(run.out()).doesNotContain("[elkit]", "# Start two Connect workers");
    }

    @Test
    void aWrongPasswordIsOneLineAndStartsNoWorker() throws Exception {
        var env = env();
        env.put("PG_PASSWORD", "not-the-password");

        var run = ScriptRun.run("connect-cluster", dir, env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("connect-cluster: cannot connect to PostgreSQL at " + server.url()
                + " (PG_URL) as user data_engineer: FATAL: password authentication failed for user \"data_engineer\"\n");
        assertThat(run.out()).doesNotContain("# Start two Connect workers");
    }

    @Test
    void aSourceWithoutATargetIsOneLine() {
        var env = env();
        env.put("TARGET_PG_URL", null);

        var run = ScriptRun.run("connect-cluster", dir, env);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("connect-cluster: PG_URL is set but TARGET_PG_URL is not: the lesson needs PG_URL, PG_USER, "
                + "PG_PASSWORD and TARGET_PG_URL (a second database for the sink, same user), or none of them\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void tooFewChangesIsAUsageError() {
        var run = ScriptRun.run("connect-cluster", dir, env(), "--changes", "5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("connect-cluster: usage: connect-cluster [--changes N (10 or more)]");
    }

    /**
     * Python's confluent-kafka (librdkafka) subscribed to the change topic before it exists: it prints the
     * operation and key of each change event until it has seen the snapshot and the lesson's three changes.
     */
    static Process librdkafkaReader(String bootstrap, Path out) throws IOException {
        if (!Files.isExecutable(Python.PYTHON3)) Python.run(Path.of("."), "pass"); // skips, or fails in CI, with the reason
        String code = """
                import json, sys, time
                from confluent_kafka import Consumer
                consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "elkit-librdkafka-connect",
                                     "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                     "topic.metadata.refresh.interval.ms": 1000})
                consumer.subscribe([sys.argv[2]])
                wanted = {"r 1", "r 2", "r 3", "c 4", "u 2", "d 3"}
                seen, deadline = [], time.time() + 600
                while not wanted.issubset(seen) and time.time() < deadline:
                    message = consumer.poll(1.0)
                    if message is None or message.error() or message.value() is None:
                        continue  # the topic is not there yet; a tombstone follows each delete
                    change = json.loads(message.value())["payload"]
                    row = change["after"] or change["before"]
                    seen.append("%s %s" % (change["op"], row["id"]))
                    print(seen[-1], flush=True)
                consumer.close()
                """;
        return new ProcessBuilder(Python.PYTHON3.toString(), "-c", code, bootstrap, CHANGE_TOPIC)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, server.env().get("PG_USER"), server.env().get("PG_PASSWORD"));
    }


    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
