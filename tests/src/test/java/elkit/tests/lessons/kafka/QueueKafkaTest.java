package elkit.tests.lessons.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.Db;
import elkit.local.LocalKafka;
import elkit.local.LocalSqlServer;
import elkit.tests.support.KafkaBroker;
import elkit.tests.support.Ports;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.SkipReasons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * queue-kafka against one real broker shared by the Kafka test classes (KRaft, 127.0.0.1, auto topic creation
 * off), each test on its own topics; plus its own broker when no env var is set, and the faults.
 */
@ExtendWith(KafkaBroker.class)
class QueueKafkaTest {

    static LocalKafka broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void shareTheBroker() {
        broker = KafkaBroker.shared();
    }

    @Test
    void pointedAtABrokerItSendsConsumesAndLoadsEachOrderOnceEvenWhenRunAgain() throws Exception {
        broker.createTopic("orders-a", "orders-a.DLT");
        Path db = dir.resolve("orders.db");

        var run = ScriptRun.run("queue-kafka", dir, broker.env(), "--topic", "orders-a", "--db", db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain("KAFKA_BOOTSTRAP_SERVERS is not set")
                // the chapter's exact message, as it sends it: a value with no key and no order id
                .contains("Delivered the chapter's message (no key) to topic orders-a, partition 0, offset 0",
                        "Delivered order 1001 to topic orders-a, partition 0, offset 1",
                        "Delivered order 1006 to topic orders-a, partition 0, offset 6",
                        "Flushed and closed: 7 messages (the chapter's and 6 orders) acknowledged by all in-sync replicas")
                // the chapter's consumer: no group, every message from the beginning, "Customer 101 spent $299.99"
                .contains("# Consumer as the chapter has it: no group, from the beginning, every run\n"
                        + "Received: {customer_id=101, event=purchase, amount=299.99, timestamp=2024-01-15T10:30:00}\n"
                        + "Customer 101 spent $299.99\n")
                .contains("Received: {order_id=1006, customer_id=105, event=purchase, timestamp=2024-01-15T10:47:21}\n"
                        + "No amount: the chapter's message.value[...] raises KeyError here; the lesson goes on")
                .contains("Read 7 messages from the beginning of orders-a; nothing is committed without a group, so the next run reads them all again")
                // the loader explains why it cannot store the chapter's message: no order_id to upsert on
                .contains("Poison message at orders-a-0 offset 0 sent to orders-a.DLT: no order_id, the key the orders table is upserted on:"
                        + " without one the loader cannot store a message once and only once (the chapter's message has none)")
                .contains("Received: Order[orderId=1001, customerId=101, event=purchase, amount=299.99, timestamp=2024-01-15T10:30:00]",
                        "Customer 101 spent $299.99")
                .contains("Stored 5 orders in one transaction, then committed the offsets {orders-a-0=6}")
                .contains("Poison message at orders-a-0 offset 6 sent to orders-a.DLT: Missing creator property 'amount'")
                .contains("Dead letter {\"customer_id\":101,\"event\":\"purchase\",\"amount\":299.99,\"timestamp\":\"2024-01-15T10:30:00\"} (reason: no order_id,")
                .contains("Dead letter {\"order_id\":1006,\"customer_id\":105,\"event\":\"purchase\",\"timestamp\":\"2024-01-15T10:47:21\"} (reason: Missing creator property 'amount')")
                .contains("(5 rows)", "2 dead letters in orders-a.DLT");
        assertThat(orders(db)).extracting(r -> r.get("order_id")).containsExactly(1001, 1002, 1003, 1004, 1005);
        assertThat(committed("orders-a")).isEqualTo(7L);
        var chaptersMessage = readAll("orders-a").get(0);
        assertThat(chaptersMessage.key()).isNull();
        assertThat(chaptersMessage.value())
                .isEqualTo("{\"customer_id\":101,\"event\":\"purchase\",\"amount\":299.99,\"timestamp\":\"2024-01-15T10:30:00\"}");

        // Again: the chapter's consumer reads everything from the beginning once more (no group, nothing committed);
        // the loader's group resumes at its committed offsets, and the table is unchanged
        var again = ScriptRun.run("queue-kafka", dir, broker.env(), "consume", "--topic", "orders-a", "--db", db.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out())
                .contains("Received: {customer_id=101, event=purchase, amount=299.99, timestamp=2024-01-15T10:30:00}",
                        "Read 7 messages from the beginning of orders-a")
                .doesNotContain("Received: Order[").contains("0 messages stored this run");
        assertThat(orders(db)).hasSize(5);
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicWithTheirReasonAndTheConsumerGoesOn() throws Exception {
        broker.createTopic("orders-p", "orders-p.DLT");
        send("orders-p", "not json at all",
                "{\"order_id\": 7, \"event\": \"purchase\", \"amount\": 1.5, \"timestamp\": \"2024-01-15T11:00:00\"}",
                "{\"order_id\": 8, \"customer_id\": 42, \"event\": \"purchase\", \"amount\": 9.99, \"timestamp\": \"2024-01-15T11:01:00\"}");
        Path db = dir.resolve("orders.db");

        var run = ScriptRun.run("queue-kafka", dir, broker.env(), "consume", "--topic", "orders-p", "--db", db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        // the chapter's consumer meets them first: json.loads would raise, message.value['customer_id'] too
        assertThat(run.out()).contains("Not JSON at orders-p-0 offset 0 (Unrecognized token 'not'",
                "No customer_id: the chapter's message.value[...] raises KeyError here; the lesson goes on",
                "Customer 42 spent $9.99", "Read 3 messages from the beginning of orders-p");
        assertThat(orders(db)).containsExactly(Map.of("order_id", 8, "customer_id", 42, "event", "purchase",
                "amount", 9.99, "ts", "2024-01-15T11:01:00"));
        var dead = readAll("orders-p.DLT");
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly("not json at all",
                "{\"order_id\": 7, \"event\": \"purchase\", \"amount\": 1.5, \"timestamp\": \"2024-01-15T11:00:00\"}");
        assertThat(reason(dead.get(0))).startsWith("Unrecognized token 'not'");
        assertThat(reason(dead.get(1))).isEqualTo("Missing creator property 'customer_id'");
        assertThat(new String(dead.get(1).headers().lastHeader("dlt.source").value(), StandardCharsets.UTF_8)).isEqualTo("orders-p-0@1");
        assertThat(committed("orders-p")).isEqualTo(3L);
    }

    @Test
    void aConsumerThatDiesAfterStoringAndBeforeCommittingGetsTheBatchAgainAndTheTableHoldsItOnce() throws Exception {
        broker.createTopic("orders-c", "orders-c.DLT");
        var produced = ScriptRun.run("queue-kafka", dir, broker.env(), "produce", "--topic", "orders-c");
        assertThat(produced.exitCode()).as(produced.toString()).isZero();
        Path db = dir.resolve("orders.db");

        var crashed = ScriptRun.run("queue-kafka", dir, broker.env(), "consume", "--topic", "orders-c", "--db", db.toString(), "--crash-before-commit");

        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(3);
        assertThat(crashed.out()).contains("Simulated crash: 5 orders stored, offsets NOT committed; exiting now");
        assertThat(orders(db)).hasSize(5);
        // only the chapter's message, set aside at offset 0, was committed past; the stored batch was not
        assertThat(committed("orders-c")).as("offsets committed by the crashed consumer").isEqualTo(1L);

        // A second consumer, in a new process, in the same group
        var restarted = ScriptRun.run("queue-kafka", dir, broker.env(), "consume", "--topic", "orders-c", "--db", db.toString());

        assertThat(restarted.exitCode()).as(restarted.toString()).isZero();
        assertThat(restarted.out()).as("the batch is delivered again")
                .contains("Received: Order[orderId=1001", "Received: Order[orderId=1005")
                .contains("Stored 5 orders in one transaction, then committed the offsets {orders-c-0=6}");
        assertThat(orders(db)).extracting(r -> r.get("order_id")).containsExactly(1001, 1002, 1003, 1004, 1005);
        assertThat(committed("orders-c")).isEqualTo(7L);
    }

    @Test
    void anUnknownTopicGetsOneClearLineFromTheProducerAndFromTheConsumer() {
        String expected = "queue-kafka: topic no-such-topic does not exist at " + broker.bootstrapServers()
                + ", and the broker creates no topic by itself: create it first (kafka-topics.sh --bootstrap-server "
                + broker.bootstrapServers() + " --create --topic no-such-topic)";

        var producer = ScriptRun.run("queue-kafka", dir, broker.env(), "produce", "--topic", "no-such-topic");
        var consumer = ScriptRun.run("queue-kafka", dir, broker.env(), "consume", "--topic", "no-such-topic");

        assertThat(producer.exitCode()).as(producer.toString()).isEqualTo(1);
        assertThat(producer.err().lines().toList()).containsExactly(expected);
        assertThat(consumer.exitCode()).as(consumer.toString()).isEqualTo(1);
        assertThat(consumer.err().lines().toList()).containsExactly(expected);
    }

    @Test
    void aBrokerThatIsDownFailsTheProducerAndTheConsumerInBoundedTime() {
        int port = Ports.closed();
        var env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port);

        long started = System.nanoTime();
        var producer = ScriptRun.run("queue-kafka", dir, env, "produce");
        double producerSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        var consumer = ScriptRun.run("queue-kafka", dir, env, "consume");
        double consumerSeconds = (System.nanoTime() - started) / 1e9;

        assertThat(producer.exitCode()).as(producer.toString()).isEqualTo(1);
        assertThat(producer.err().lines().toList()).containsExactly("queue-kafka: could not send to topic orders: no Kafka broker answered at 127.0.0.1:"
                + port + " within 10 s (max.block.ms; is it running?)");
        assertThat(consumer.exitCode()).as(consumer.toString()).isEqualTo(1);
        assertThat(consumer.err().lines().toList()).containsExactly("queue-kafka: no Kafka broker answered at 127.0.0.1:"
                + port + " within 10 s (is it running? is KAFKA_BOOTSTRAP_SERVERS right?)");
        // 10 s of max.block.ms (or the consumer's wait) plus a JVM start; generous: the machine is shared
        assertThat(producerSeconds).as("seconds until the producer gave up").isLessThan(45);
        assertThat(consumerSeconds).as("seconds until the consumer gave up").isLessThan(45);
    }

    @Test
    void withNoEnvItStartsItsOwnBrokerAndRemovesItsDataAtTheEnd() throws IOException, SQLException {
        // its own java.io.tmpdir: test classes run two at a time, and another may start a broker meanwhile
        var tmp = Files.createDirectories(dir.resolve("tmp"));

        var run = ScriptRun.run("queue-kafka", dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", "",
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err().lines()).as(run.toString()).allMatch(line -> line.startsWith("Picked up JAVA_TOOL_OPTIONS"));
        assertThat(run.out())
                // the broker's version is the one the tests run with (ClasspathParityTest: the same as the lesson's)
                .containsPattern("\\[elkit\\] KAFKA_BOOTSTRAP_SERVERS is not set: started a local Kafka "
                        + java.util.regex.Pattern.quote(org.apache.kafka.common.utils.AppInfoParser.getVersion())
                        + " broker \\(KRaft\\) on 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s; it stops at the end")
                .contains("[elkit] created the topics orders and orders.DLT")
                .contains("Stored 5 orders in one transaction, then committed the offsets {orders-0=6}")
                .contains("2 dead letters in orders.DLT");
        assertThat(orders(dir.resolve("work/orders.db"))).hasSize(5);
        try (var left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString).filter(name -> name.startsWith("elkit-kafka-")))
                    .as("broker data folders left in the temp folder").isEmpty();
        }
    }

    @Test
    void aDatabaseInAFolderThatDoesNotExistIsNamedBeforeAnyBrokerStarts() throws IOException {
        var tmp = Files.createDirectories(dir.resolve("tmp")); // where a broker would put its data
        Path db = dir.resolve("no/such/dir/x.db");

        var run = ScriptRun.run("queue-kafka", dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", "",
                "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp), "consume", "--db", db.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().filter(line -> !line.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList())
                .containsExactly("queue-kafka: cannot create database " + db + ": folder " + db.getParent() + " does not exist");
        assertThat(run.out()).doesNotContain("[elkit]"); // no broker started, no topic created
        try (var left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
        assertThat(dir.resolve("no")).doesNotExist();
    }

    @Test
    void aSimulatedCrashNeedsABrokerThatOutlivesTheRun() {
        var run = ScriptRun.run("queue-kafka", dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", ""), "consume", "--crash-before-commit");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly("queue-kafka: --crash-before-commit needs a broker that outlives this run: "
                + "start one with ./jbang sandbox kafka and set KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void againstKafkaInDockerWhenOptedIn() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("ELKIT_DOCKER")), "opt-in: set ELKIT_DOCKER=1 to run Kafka in Docker (Testcontainers)");
        Assumptions.assumeTrue(LocalSqlServer.dockerAvailable(), SkipReasons.NO_DOCKER);
        try (var kafka = new KafkaContainer("apache/kafka:4.1.0")) {
            kafka.start();
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.getBootstrapServers()))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("orders", 1, (short) 1),
                        new org.apache.kafka.clients.admin.NewTopic("orders.DLT", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            var run = ScriptRun.run("queue-kafka", dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.getBootstrapServers()),
                    "--db", dir.resolve("orders.db").toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Stored 5 orders in one transaction");
        }
    }

    // ---- helpers: the test's own Kafka clients and SQLite reads, apart from the script's

    static List<Map<String, Object>> orders(Path db) throws SQLException {
        try (var conn = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return Db.query(conn, "SELECT * FROM orders ORDER BY order_id");
        }
    }

    static Long committed(String topic) throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("orders-loader")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            var offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }

    static void send(String topic, String... values) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (String value : values) producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            var partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            var records = new ArrayList<ConsumerRecord<String, String>>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    static String reason(ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader("dlt.reason").value(), StandardCharsets.UTF_8);
    }
}
