///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Exercise 6 (queuing): consume a Kafka orders topic into SQLite so that a rerun or a crash never doubles a row. Run it to grade yourself.
//DEPS org.apache.kafka:kafka-clients:4.3.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
// The local broker starts about twice as fast on 2 cores with only the C1 compiler and the serial GC
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//SOURCES ../../../lib/src/main/java/elkit/local/LocalKafka.java
//SOURCES ../../../lib/src/main/java/elkit/Grading.java
//SOURCES ../../../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../../../lib/src/main/java/elkit/Scratch.java

import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.local.LocalKafka;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static elkit.Grading.check;
import static elkit.Grading.expect;

/**
 * Exercise 6: a Kafka consumer that loads orders into SQLite, where a message delivered twice, a
 * second run or a crash at the worst moment never doubles a row and never loses one.
 *
 * The topic holds JSON orders such as {"order_id": 1, "customer_id": 101, "amount": "12.50"}.
 * The table is orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER, amount TEXT).
 *
 * Write {@link #load}. The consumer you get is already subscribed, with auto-commit OFF. Until
 * {@code caughtUp(consumer)} says the consumer has read to the end of the topic:
 *   1. poll a batch, and upsert each of its orders on order_id (a later message for the same order
 *      wins: its customer_id and amount replace the row's), with a parameterized statement,
 *   2. all rows of the batch in ONE database transaction (db.setAutoCommit(false), db.commit()),
 *   3. commit the database FIRST, the consumer's offsets (consumer.commitSync()) AFTER,
 *   4. if anything fails, let the exception out: do not commit the offsets of a batch not stored.
 *
 * Run it: ../../../jbang ex06-kafka-orders.java   It starts a local Kafka broker (about 10 s; or
 * uses KAFKA_BOOTSTRAP_SERVERS), grades your load and exits 0 when all checks pass.
 */
class ex06_kafka_orders {

    static final ObjectMapper JSON = new ObjectMapper();

    static void load(Consumer<String, String> consumer, Connection db) throws Exception {
        // TODO: your code here. Chapter page 06-queuing-kafka.md shows every piece you need.
        throw new UnsupportedOperationException("load() is not written yet");
    }

    // ---- grading: do not edit below this line ----

    public static void main(String[] args) throws Exception {
        var checks = new ArrayList<String>();
        int passed = 0;
        try (var local = System.getenv("KAFKA_BOOTSTRAP_SERVERS") != null ? null : LocalKafka.start()) {
            bootstrap = local != null ? local.bootstrapServers() : System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            passed += check(checks, "loads every order once; a later message for the same order wins", () -> {
                String topic = topicWithOrders();
                try (var db = freshDatabase(); var consumer = consumer(topic, "g1")) {
                    load(consumer, db);
                    expect(rows(db), List.of("1|101|12.50", "2|102|20.00", "3|103|7.25"), "rows after one load");
                }
                expect(committed(topic, "g1"), 4L, "committed offset after the load");
            });
            passed += check(checks, "a second run, replaying the whole topic, doubles no row", () -> {
                String topic = topicWithOrders();
                try (var db = freshDatabase()) {
                    try (var consumer = consumer(topic, "g1")) { load(consumer, db); }
                    try (var consumer = consumer(topic, "g2")) { load(consumer, db); } // a new group reads from the start
                    expect(rows(db), List.of("1|101|12.50", "2|102|20.00", "3|103|7.25"), "rows after loading twice");
                }
            });
            passed += check(checks, "a crash after the database commit and before the offset commit: redelivered, stored once", () -> {
                String topic = topicWithOrders();
                try (var db = freshDatabase()) {
                    try (var consumer = consumer(topic, "g1")) {
                        Throwable crash = null;
                        try {
                            load(crashOnOffsetCommit(consumer), db);
                        } catch (Throwable e) {
                            crash = e;
                        }
                        if (!(crash instanceof SimulatedCrash)) {
                            throw new AssertionError("expected the crash at the offset commit, got " + describe(crash));
                        }
                    }
                    expect(committed(topic, "g1"), null, "committed offset after the crash");
                    try (var consumer = consumer(topic, "g1")) { load(consumer, db); } // restart: the batch comes again
                    expect(rows(db), List.of("1|101|12.50", "2|102|20.00", "3|103|7.25"), "rows after the restart");
                }
                expect(committed(topic, "g1"), 4L, "committed offset after the restart");
            });
            passed += check(checks, "a database commit that fails: the error comes out, no offset is committed", () -> {
                String topic = topicWithOrders();
                try (var db = freshDatabase(); var consumer = consumer(topic, "g1")) {
                    Throwable failure = null;
                    try {
                        load(consumer, failingCommit(db));
                    } catch (Throwable e) {
                        failure = e;
                    }
                    if (!causedBy(failure, DISK_FULL)) {
                        throw new AssertionError("expected load() to throw the failed commit (" + DISK_FULL + "), got " + describe(failure));
                    }
                }
                expect(committed(topic, "g1"), null, "committed offset after the failed commit");
            });
        }
        checks.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, checks.size());
        System.exit(passed == checks.size() ? 0 : 1);
    }

    /** True when the consumer has its partitions and has read each of them to its end. Use it in load(). */
    static boolean caughtUp(Consumer<?, ?> consumer) {
        var assigned = consumer.assignment();
        if (assigned.isEmpty()) return false;
        var ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }

    static String bootstrap;
    static final String DISK_FULL = "database or disk is full (simulated)";

    static final class SimulatedCrash extends Error {
        SimulatedCrash() { super("simulated crash between the database commit and the offset commit"); }
    }

    static String describe(Throwable e) {
        return e == null ? "no exception" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static boolean causedBy(Throwable e, String message) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && message.equals(t.getMessage())) return true;
        }
        return false;
    }

    /** A fresh topic with four orders: order 2 twice, the second message with the new amount. */
    static String topicWithOrders() throws Exception {
        String topic = "ex06-" + UUID.randomUUID().toString().substring(0, 8);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (String value : List.of(
                    "{\"order_id\": 1, \"customer_id\": 101, \"amount\": \"12.50\"}",
                    "{\"order_id\": 2, \"customer_id\": 102, \"amount\": \"10.00\"}",
                    "{\"order_id\": 3, \"customer_id\": 103, \"amount\": \"7.25\"}",
                    "{\"order_id\": 2, \"customer_id\": 102, \"amount\": \"20.00\"}")) {
                producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
            }
        }
        return topic;
    }

    static KafkaConsumer<String, String> consumer(String topic, String group) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, topic + "-" + group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    static Long committed(String topic, String group) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(topic + "-" + group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            var offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }

    /** The consumer, except that committing its offsets crashes the "process" (an Error, as a kill would). */
    @SuppressWarnings("unchecked")
    static Consumer<String, String> crashOnOffsetCommit(Consumer<String, String> consumer) {
        return (Consumer<String, String>) Proxy.newProxyInstance(Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("commit")) throw new SimulatedCrash();
                    try {
                        return method.invoke(consumer, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The database, except that commit() fails as a full disk would; nothing is stored then. */
    static Connection failingCommit(Connection db) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) throw new SQLException(DISK_FULL);
                    try {
                        return method.invoke(db, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static Connection freshDatabase() throws Exception {
        Path file = Files.createTempFile("ex06-", ".db");
        file.toFile().deleteOnExit();
        var conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (var stmt = conn.createStatement()) {
            stmt.execute("CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, amount TEXT NOT NULL)");
        }
        return conn;
    }

    /** The committed rows, read through a connection of their own: "order_id|customer_id|amount". */
    static List<String> rows(Connection db) throws SQLException {
        String url = db.getMetaData().getURL();
        try (var reader = DriverManager.getConnection(url); var stmt = reader.createStatement();
             var rs = stmt.executeQuery("SELECT order_id, customer_id, amount FROM orders ORDER BY order_id")) {
            var rows = new ArrayList<String>();
            while (rs.next()) rows.add(rs.getInt(1) + "|" + rs.getInt(2) + "|" + new BigDecimal(rs.getString(3)).setScale(2));
            return rows;
        }
    }
}
