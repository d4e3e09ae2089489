///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//DESCRIPTION Chapter 5, "Queuing Systems" benchmark: N JSON orders of about 200 bytes through Kafka; producer msg/s with the lesson's safe settings and with batching tuned (linger.ms, batch.size, lz4), consumer msg/s, end-to-end load into SQLite.
//DEPS org.apache.kafka:kafka-clients:4.3.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalKafka.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Table;
import elkit.local.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Usage: bench-kafka [N] [--verbose]   (default N = 1,000,000)
 * Target: KAFKA_BOOTSTRAP_SERVERS (it creates its own topics there), else a local broker for the run.
 * Sends N JSON orders of about 200 bytes twice: with the lesson's safe settings (acks=all,
 * idempotence, the client's default batching) and with batching tuned (linger.ms, batch.size, lz4),
 * reads them back with a consumer, then loads them into SQLite the lesson's way (upsert per poll,
 * database commit, then offset commit). Every count is checked. A benchmark, not a test.
 */
class bench_kafka {

    /** The lesson's order, padded with a note to about 200 bytes of JSON. */
    record Order(int orderId, int customerId, String event, BigDecimal amount, String timestamp, String note) {}

    static final String NOTE = "gift wrap, leave at the door, call before delivery, back door if nobody answers";

    static final Options OPTIONS = Options.usage("bench-kafka [N]")
            .argument("N", "messages to send and read (default: 1,000,000)")
            .env("Kafka", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_kafka::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        int n = parseCount(args);
        var json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        var orders = new ArrayList<Order>(n);
        for (int i = 0; i < n; i++) {
            orders.add(new Order(i, 100 + i % 5_000, i % 10 == 0 ? "refund" : "purchase",
                    BigDecimal.valueOf(1_000 + i % 100_000, 2), "2024-01-15T10:30:00", NOTE));
        }
        int size = json.writeValueAsBytes(orders.get(n / 2)).length;
        System.out.printf(Locale.US, "Sending %,d JSON orders of about %d bytes each%n", n, size);

        try (var local = Env.optional("KAFKA_BOOTSTRAP_SERVERS").isPresent() ? null : LocalKafka.start()) {
            String bootstrap = local != null ? local.bootstrapServers() : Env.required("KAFKA_BOOTSTRAP_SERVERS");
            String run = UUID.randomUUID().toString().substring(0, 8); // fresh topics on a shared broker
            String safeTopic = "bench-safe-" + run;
            String tunedTopic = "bench-tuned-" + run;
            try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(safeTopic, 1, (short) 1), new NewTopic(tunedTopic, 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Serializer<Order> serializer = (t, order) -> {
                try {
                    return json.writeValueAsBytes(order);
                } catch (JsonProcessingException e) {
                    throw new SerializationException(e);
                }
            };
            var results = new ArrayList<Map<String, Object>>();

            // The lesson's producer: acks=all, idempotence on, the client's default batching
            var safe = baseProducer(bootstrap);
            results.add(produce("producer, lesson's safe settings", safe, safeTopic, orders, serializer));

            // Batching tuned: wait up to 20 ms to fill 256 KiB batches, compressed with lz4; still acks=all
            var tuned = baseProducer(bootstrap);
            tuned.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            tuned.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            tuned.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            tuned.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
            results.add(produce("producer, tuned: linger.ms=20, batch.size=256 KiB, lz4", tuned, tunedTopic, orders, serializer));

            Deserializer<Order> deserializer = (t, bytes) -> {
                try {
                    return json.readValue(bytes, Order.class);
                } catch (Exception e) {
                    throw new SerializationException(e);
                }
            };
            results.add(consume(bootstrap, tunedTopic, n, deserializer, null));
            Path dbFile = Env.workDir().resolve("bench-kafka.db");
            Files.deleteIfExists(dbFile);
            results.add(consume(bootstrap, tunedTopic, n, deserializer, dbFile));

            Cli.step("Messages per second (higher is better)");
            Table.print(results);
            System.out.printf(Locale.US, "%d cores; load average %.1f at the end (msg/s depends on the CPU share this run got)%n",
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static Properties baseProducer(String bootstrap) {
        var config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

    /** Sends every order, flushes, and counts the acknowledgements; the first failure fails the run. */
    static Map<String, Object> produce(String label, Properties config, String topic, List<Order> orders, Serializer<Order> serializer) {
        var failure = new AtomicReference<Exception>();
        long[] acked = {0};
        long started = System.nanoTime();
        long cpuStarted = cpuNanos();
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (var order : orders) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(order.orderId()), order), (metadata, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    else acked[0]++; // callbacks run on the producer's one I/O thread
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (failure.get() != null) throw Cli.fail("%s: a send failed: %s", label, failure.get().getMessage());
        if (acked[0] != orders.size()) throw Cli.fail("%s: %d of %d sends acknowledged", label, acked[0], orders.size());
        return result(label, orders.size(), seconds, cpuNanos() - cpuStarted);
    }

    /** Reads the topic from the start to its end; with a database file, stores each poll the lesson's way. */
    static Map<String, Object> consume(String bootstrap, String topic, int n, Deserializer<Order> deserializer, Path dbFile) throws Exception {
        var config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        long started = System.nanoTime();
        long cpuStarted = cpuNanos();
        long count = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer);
             var db = dbFile == null ? null : DriverManager.getConnection("jdbc:sqlite:" + dbFile)) {
            java.sql.PreparedStatement upsert = null;
            if (db != null) {
                try (var stmt = db.createStatement()) {
                    stmt.execute("CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, event TEXT NOT NULL, amount NUMERIC NOT NULL, ts TEXT NOT NULL)");
                }
                db.setAutoCommit(false);
                upsert = db.prepareStatement("""
                        INSERT INTO orders (order_id, customer_id, event, amount, ts) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (order_id) DO UPDATE
                        SET customer_id = excluded.customer_id, event = excluded.event, amount = excluded.amount, ts = excluded.ts""");
            }
            consumer.subscribe(List.of(topic));
            while (count < n) {
                if (System.nanoTime() > deadline) throw Cli.fail("read only %d of %d messages from %s in 5 minutes", count, n, topic);
                var batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) continue;
                for (var message : batch) {
                    if (upsert != null) {
                        var order = message.value();
                        upsert.setInt(1, order.orderId());
                        upsert.setInt(2, order.customerId());
                        upsert.setString(3, order.event());
                        upsert.setBigDecimal(4, order.amount());
                        upsert.setString(5, order.timestamp());
                        upsert.addBatch();
                    }
                    count++;
                }
                if (db != null) {
                    upsert.executeBatch();
                    db.commit();
                    consumer.commitSync();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (db != null) {
                long rows = ((Number) Db.query(db, "SELECT COUNT(*) AS n FROM orders").get(0).get("n")).longValue();
                if (rows != n) throw Cli.fail("end-to-end: expected %d rows in SQLite, found %d", n, rows);
                upsert.close();
                return result("end-to-end: consume, upsert into SQLite, commit, commit offsets", n, seconds, cpuNanos() - cpuStarted);
            }
            return result("consumer, JSON into records", count, seconds, cpuNanos() - cpuStarted);
        }
    }

    /**
     * A result row. CPU seconds are the whole process's (clients and, when local, the broker too):
     * on a shared machine msg/s falls with the CPU share this run gets; msg per CPU second does not.
     */
    static Map<String, Object> result(String label, long messages, double seconds, long cpuNanos) {
        var row = new LinkedHashMap<String, Object>();
        row.put("step", label);
        row.put("messages", messages);
        row.put("count checked", "yes");
        row.put("seconds", String.format(Locale.US, "%.2f", seconds));
        row.put("msg/s", String.format(Locale.US, "%,.0f", messages / seconds));
        row.put("CPU s", String.format(Locale.US, "%.2f", cpuNanos / 1e9));
        row.put("msg per CPU s", String.format(Locale.US, "%,.0f", messages / (cpuNanos / 1e9)));
        return row;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static int parseCount(List<String> args) {
        if (args.isEmpty()) return 1_000_000;
        try {
            int n = Integer.parseInt(args.get(0).replace("_", "").replace(",", ""));
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // the same message as for zero
        }
        throw Cli.fail("the number of messages must be a whole number above 0, got: %s", args.get(0));
    }
}
