///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
// The JIT compiles in the foreground (-Xbatch): after the warm-up the hot code is compiled for sure, not still queued
// behind a compiler thread that a busy machine starves, and compiling in the middle of a timed step
//JAVA_OPTIONS -Xbatch
//DESCRIPTION Chapter 5, "Queuing Systems" benchmark: N JSON orders of about 200 bytes through Kafka; the lesson's safe producer (acks=all, idempotence, batched, lz4) and a tuned one, a consumer, end-to-end into SQLite; msg/s next to Python's confluent-kafka (librdkafka) with the same settings on the same broker.
//DEPS org.apache.kafka:kafka-clients:4.3.2
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//DEPS org.xerial:sqlite-jdbc:3.54.1.0
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
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
import elkit.Bench;
import elkit.Charts;
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
 * Usage: bench-kafka [messages] [--verbose]   (default 500,000)
 * Target: KAFKA_BOOTSTRAP_SERVERS (it creates its own topics there), else a local broker for the run.
 * Sends N JSON orders of about 200 bytes with the lesson's producer settings (safe: acks=all and
 * idempotence; fast: batched and compressed) and with batching tuned further, reads them back with a
 * consumer, then loads them into SQLite the lesson's way (upsert per poll, database commit, then offset
 * commit). Every count is checked. After each Java step, Python's confluent-kafka (librdkafka) does the
 * same step with the same settings against the same broker: the client a Python user picks for speed.
 * A benchmark, not a test.
 */
class bench_kafka {

    /** The lesson's order, padded with a note to about 200 bytes of JSON. */
    record Order(int orderId, int customerId, String event, BigDecimal amount, String timestamp, String note) {}

    static final String NOTE = "gift wrap, leave at the door, call before delivery, back door if nobody answers";

    static final Options OPTIONS = Options.usage("bench-kafka [N]")
            .argument("N", "messages to send and read (default: 500,000)")
            .env("Kafka", "ELKIT_WORK", "ELKIT_PYTHON");

    /** The lesson's producer settings (queue-kafka): safe, and batched so that safe is not slow. */
    static final Map<String, Object> SAFE = settings(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 10,
            ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    /** Batching tuned further for a bulk load: still acks=all and idempotent. */
    static final Map<String, Object> TUNED = settings(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 20,
            ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    /** Both consumers: from the start of the topic, no auto-commit, big fetches. */
    static final Map<String, Object> CONSUMER = settings(
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024,
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);

    /** Orders sent and read back per warm-up round, before the timed steps, so that they measure compiled code. */
    static final int WARM_UP = 50_000;
    static final int WARM_UP_ROUNDS = 2;

    /** Messages per poll, for both: max.poll.records in Java, consume(num_messages) in Python; fewer in a small run. */
    static int pollRecords(int n) {
        return Math.max(1, Math.min(5_000, n / 20));
    }

    /**
     * The same steps with Python's confluent-kafka (librdkafka): the same orders as dicts, json.dumps
     * in the timed loop as the Java serializer is, the same settings (given as JSON, by the same names),
     * delivery reports counted; the consumer json.loads each value and is timed as the Java one is, from
     * the end of its first batch. Prints "messages messages-timed seconds bytes-of-one-order".
     */
    static final String PYTHON = """
            import json, sys, time
            from confluent_kafka import Consumer, KafkaException, Producer
            mode, bootstrap, topic, n, poll_records = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
            conf = dict(json.loads(sys.argv[6]), **{"bootstrap.servers": bootstrap})
            NOTE = "%s"
            if mode == "produce":
                orders = [{"order_id": i, "customer_id": 100 + i %% 5000, "event": "refund" if i %% 10 == 0 else "purchase",
                           "amount": (1000 + i %% 100000) / 100, "timestamp": "2024-01-15T10:30:00", "note": NOTE} for i in range(n)]
                acked, failed = [0], []
                def delivered(err, msg):
                    if err is not None: failed.append(err)
                    else: acked[0] += 1
                started = time.perf_counter()
                producer = Producer(conf)
                for i, order in enumerate(orders):
                    value = json.dumps(order, separators=(",", ":")).encode("utf-8")
                    while True:
                        try:
                            producer.produce(topic, value, str(order["order_id"]), on_delivery=delivered)
                            break
                        except BufferError:
                            producer.poll(0.01)  # the local queue is full: serve delivery reports, then again
                    if i %% 1000 == 0: producer.poll(0)
                left = producer.flush(60)
                seconds = time.perf_counter() - started
                if failed: sys.exit(f"a send failed: {failed[0]}")
                if left or acked[0] != n: sys.exit(f"{acked[0]} of {n} sends acknowledged")
                print(acked[0], acked[0], seconds, len(json.dumps(orders[n // 2], separators=(",", ":"))))
            else:
                consumer = Consumer(dict(conf, **{"group.id": "bench-py-" + str(time.time_ns())}))
                consumer.subscribe([topic])
                count, first, started, deadline = 0, 0, None, time.monotonic() + 300
                while count < n:
                    if time.monotonic() > deadline: sys.exit(f"read only {count} of {n} messages from {topic} in 5 minutes")
                    batch = consumer.consume(poll_records, 0.5)
                    for message in batch:
                        if message.error(): raise KafkaException(message.error())
                        key, order = message.key().decode("utf-8"), json.loads(message.value())
                        count += 1
                    if batch and started is None:  # the clock starts after the first batch: group join and first fetch left out
                        started, first = time.perf_counter(), count
                seconds = time.perf_counter() - started
                consumer.close()
                print(count, count - first, seconds, len(message.value()))
            """.formatted(NOTE);

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_kafka::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        int n = Bench.count("bench-kafka", "messages", args, 500_000);
        var json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        var orders = new ArrayList<Order>(n);
        for (int i = 0; i < n; i++) {
            orders.add(new Order(i, 100 + i % 5_000, i % 10 == 0 ? "refund" : "purchase",
                    BigDecimal.valueOf(1_000 + i % 100_000, 2), "2024-01-15T10:30:00", NOTE));
        }
        int size = json.writeValueAsBytes(orders.get(n / 2)).length;
        String machine = Bench.machine();
        System.out.println(machine);
        System.out.printf(Locale.US, "Sending %,d JSON orders of about %d bytes each%n", n, size);
        var python = PythonPeer.find();
        System.out.println(python.description());

        try (var local = Env.optional("KAFKA_BOOTSTRAP_SERVERS").isPresent() ? null : LocalKafka.start()) {
            String bootstrap = local != null ? local.bootstrapServers() : Env.required("KAFKA_BOOTSTRAP_SERVERS");
            String run = UUID.randomUUID().toString().substring(0, 8); // fresh topics on a shared broker
            var topics = new LinkedHashMap<String, String>();
            for (String name : List.of("warm-up", "safe", "tuned", "py-safe", "py-tuned")) topics.put(name, "bench-" + name + "-" + run);
            try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(topics.values().stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                        .all().get(30, TimeUnit.SECONDS);
            }
            // An ObjectWriter and an ObjectReader bound to Order once: readValue(bytes, Order.class) looks the type up per message
            var writer = json.writerFor(Order.class);
            var reader = json.readerFor(Order.class);
            Serializer<Order> serializer = (t, order) -> {
                try {
                    return writer.writeValueAsBytes(order);
                } catch (JsonProcessingException e) {
                    throw new SerializationException(e);
                }
            };
            Deserializer<Order> deserializer = (t, bytes) -> {
                try {
                    return reader.readValue(bytes);
                } catch (Exception e) {
                    throw new SerializationException(e);
                }
            };
            var results = new ArrayList<Map<String, Object>>();
            var versus = new ArrayList<Map<String, Object>>();

            // Warm-up, untimed: a JVM compiles its hot code in its first seconds (JIT); a loader that runs for hours pays
            // that once. Rounds of sends and reads until a round's compiling takes under 5% of it (at most 8 rounds)
            warmUp(bootstrap, topics.get("warm-up"), orders.subList(0, Math.min(n, WARM_UP)), serializer, deserializer);

            // Each step in Java, then the same step in Python, so both get the machine in about the same state
            String safeLabel = "producer, safe: " + describe(SAFE);
            var java = produce(safeLabel, producerConfig(bootstrap, SAFE), topics.get("safe"), orders, serializer);
            results.add(java);
            versus.add(compare("producer, the lesson's safe settings", java, python.run("produce", bootstrap, topics.get("py-safe"), n, SAFE)));

            String tunedLabel = "producer, tuned: " + describe(TUNED);
            java = produce(tunedLabel, producerConfig(bootstrap, TUNED), topics.get("tuned"), orders, serializer);
            results.add(java);
            versus.add(compare("producer, tuned", java, python.run("produce", bootstrap, topics.get("py-tuned"), n, TUNED)));

            // Both consumers read the same topic, each in a new group, the clock started after the first batch
            java = consume(bootstrap, topics.get("tuned"), n, deserializer, null);
            results.add(java);
            versus.add(compare("consumer, JSON into records", java, python.run("consume", bootstrap, topics.get("tuned"), n, CONSUMER)));

            Path dbFile = Env.workDir().resolve("bench-kafka.db");
            Files.deleteIfExists(dbFile);
            try {
                results.add(consume(bootstrap, topics.get("tuned"), n, deserializer, dbFile));
            } finally {
                Files.deleteIfExists(dbFile);
            }

            Cli.step("Java: messages per second (higher is better)");
            Table.print(results);
            Cli.step("Java and Python's confluent-kafka: same messages, same settings, same broker");
            Table.print(versus);
            if (!python.ready()) System.out.println("No Python figures: " + python.problem());
            System.out.printf(Locale.US, "%d cores; load average %.1f at the end (msg/s depends on the CPU share this run got)%n",
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println(chart(n, machine, versus, results.get(results.size() - 1)).line());
        }
    }

    /** The comparison table as bars, Python's beside Java's for each step, then the Java-only end-to-end row. */
    static Charts.Chart chart(int n, String machine, List<Map<String, Object>> versus, Map<String, Object> endToEnd) throws Exception {
        var bars = new ArrayList<Charts.Bar>();
        for (var row : versus) {
            bars.add(new Charts.Bar(row.get("step") + ", Java", "Java", (String) row.get("Java msg/s")));
            if (!"not run".equals(row.get("Python msg/s"))) {
                bars.add(new Charts.Bar(row.get("step") + ", Python", "Python confluent-kafka", (String) row.get("Python msg/s")));
            }
        }
        bars.add(new Charts.Bar((String) endToEnd.get("step"), "Java", (String) endToEnd.get("msg/s")));
        return Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-kafka",
                String.format(Locale.US, "bench-kafka: msg/s (higher is better), %,d JSON orders", n), machine, "msg/s", bars, false));
    }

    /** The Python that runs the peer: ELKIT_PYTHON, else python3 if it has confluent_kafka, else Debian's own python3. */
    record PythonPeer(String interpreter, String version, String problem) {

        static PythonPeer find() {
            var candidates = Env.optional("ELKIT_PYTHON").map(List::of).orElse(List.of("python3", "/usr/bin/python3"));
            var problems = new ArrayList<String>();
            for (String interpreter : candidates) {
                var probe = Bench.pythonWith(interpreter, "import confluent_kafka; print(confluent_kafka.version()[0], confluent_kafka.libversion()[0])");
                if (probe.ran() && !probe.lines().isEmpty()) {
                    String[] versions = probe.lines().get(0).split(" ");
                    return new PythonPeer(interpreter, "confluent-kafka " + versions[0] + ", librdkafka " + versions[1], null);
                }
                problems.add(interpreter + (probe.problem().contains(" not found") ? " not found" : " cannot import confluent_kafka"));
            }
            return new PythonPeer(null, null, String.join("; ", problems)
                    + "; Debian: apt-get install python3-confluent-kafka, or set ELKIT_PYTHON to a python that has it");
        }

        boolean ready() {
            return problem == null;
        }

        String description() {
            return ready() ? "Python peer: " + interpreter + " with " + version : "Python peer: none (" + problem + ")";
        }

        /** One step in Python: [messages timed, seconds, bytes of one order], or null when it could not run. */
        double[] run(String mode, String bootstrap, String topic, int n, Map<String, Object> settings) throws Exception {
            if (!ready()) return null;
            var result = Bench.pythonWith(interpreter, PYTHON, mode, bootstrap, topic, Integer.toString(n),
                    Integer.toString(pollRecords(n)), new ObjectMapper().writeValueAsString(settings));
            if (!result.ran()) throw Cli.fail("Python's %s step failed: %s", mode, result.problem());
            String[] fields = result.lines().get(result.lines().size() - 1).split(" ");
            if (Long.parseLong(fields[0]) != n) throw Cli.fail("Python's %s step counted %s of %d messages", mode, fields[0], n);
            return new double[] {Double.parseDouble(fields[1]), Double.parseDouble(fields[2]), Double.parseDouble(fields[3])};
        }
    }

    static Map<String, Object> compare(String step, Map<String, Object> java, double[] python) {
        var row = new LinkedHashMap<String, Object>();
        double javaRate = ((Number) java.get("timed")).doubleValue() / Double.parseDouble((String) java.get("seconds"));
        row.put("step", step);
        row.put("Java msg/s", String.format(Locale.US, "%,.0f", javaRate));
        if (python == null) {
            row.put("Python msg/s", "not run");
            row.put("Java ÷ Python", "-");
        } else {
            double pythonRate = python[0] / python[1];
            row.put("Python msg/s", String.format(Locale.US, "%,.0f", pythonRate));
            row.put("Java ÷ Python", String.format(Locale.US, "%.2fx", javaRate / pythonRate));
        }
        return row;
    }

    static Map<String, Object> settings(Object... namesAndValues) {
        var settings = new LinkedHashMap<String, Object>();
        for (int i = 0; i < namesAndValues.length; i += 2) settings.put((String) namesAndValues[i], namesAndValues[i + 1]);
        return settings;
    }

    static String describe(Map<String, Object> settings) {
        var parts = new ArrayList<String>();
        settings.forEach((name, value) -> {
            if (name.equals(ProducerConfig.BATCH_SIZE_CONFIG)) parts.add(name + "=" + ((Integer) value / 1024) + " KiB");
            else parts.add(name + "=" + value);
        });
        return String.join(", ", parts);
    }

    static Properties producerConfig(String bootstrap, Map<String, Object> settings) {
        var config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.putAll(settings);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

    static void warmUp(String bootstrap, String topic, List<Order> orders, Serializer<Order> serializer, Deserializer<Order> deserializer) throws Exception {
        var jit = ManagementFactory.getCompilationMXBean();
        long started = System.nanoTime();
        long compiledBefore = jit.getTotalCompilationTime();
        int rounds = WARM_UP_ROUNDS;
        for (int round = 0; round < rounds; round++) {
            produce("warm-up", producerConfig(bootstrap, round % 2 == 0 ? SAFE : TUNED), topic, orders, serializer);
            consume(bootstrap, topic, orders.size(), deserializer, null);
        }
        System.out.printf(Locale.US, "Warm-up, not timed: %d rounds of %,d orders sent and read back by the Java clients in %.1f s (JIT %.1f s)%n",
                rounds, orders.size(), (System.nanoTime() - started) / 1e9, (jit.getTotalCompilationTime() - compiledBefore) / 1e3);
    }

    /** Sends every order, flushes, and counts the acknowledgements; the first failure fails the run. */
    static Map<String, Object> produce(String label, Properties config, String topic, List<Order> orders, Serializer<Order> serializer) {
        System.gc(); // each step starts on a clean heap, the orders already in the old generation
        var failure = new AtomicReference<Exception>();
        long[] acked = {0};
        double perRequest;
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
            perRequest = metric(producer.metrics(), "records-per-request-avg");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (failure.get() != null) throw Cli.fail("%s: a send failed: %s", label, failure.get().getMessage());
        if (acked[0] != orders.size()) throw Cli.fail("%s: %d of %d sends acknowledged", label, acked[0], orders.size());
        var row = result(label, orders.size(), orders.size(), seconds, cpuNanos() - cpuStarted);
        row.put("msg per request", String.format(Locale.US, "%,.0f", perRequest));
        return row;
    }

    /**
     * Reads the topic from the start to its end, timed from the end of the first batch (group join and first fetch left out);
     * with a database file, stores each poll the lesson's way.
     */
    static Map<String, Object> consume(String bootstrap, String topic, int n, Deserializer<Order> deserializer, Path dbFile) throws Exception {
        var config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        config.putAll(CONSUMER);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, pollRecords(n));
        // Java only (librdkafka 2.0.2 has only the classic protocol): KIP-848's consumer protocol, whose consumer
        // fetches on a background thread while poll() hands out and deserializes what has arrived
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        System.gc();
        long started = 0;
        long cpuStarted = 0;
        long count = 0;
        long first = 0;
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
                if (db != null && !batch.isEmpty()) {
                    upsert.executeBatch();
                    db.commit();
                    consumer.commitSync();
                }
                if (!batch.isEmpty() && started == 0) { // the clock starts after the first batch: group join and first fetch left out
                    started = System.nanoTime();
                    cpuStarted = cpuNanos();
                    first = count;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double fetched = metric(consumer.metrics(), "records-per-request-avg");
            String perFetch = Double.isNaN(fetched) ? "-" : String.format(Locale.US, "%,.0f", fetched);
            if (db != null) {
                long rows = ((Number) Db.query(db, "SELECT COUNT(*) AS n FROM orders").get(0).get("n")).longValue();
                if (rows != n) throw Cli.fail("end-to-end: expected %d rows in SQLite, found %d", n, rows);
                upsert.close();
                var row = result("end-to-end: consume, upsert into SQLite, commit, commit offsets", n, count - first, seconds, cpuNanos() - cpuStarted);
                row.put("msg per request", perFetch);
                return row;
            }
            var row = result("consumer, JSON into records", count, count - first, seconds, cpuNanos() - cpuStarted);
            row.put("msg per request", perFetch);
            return row;
        }
    }

    /**
     * A result row: all messages counted and checked, the rate over those timed (a consumer's first batch is not).
     * CPU seconds are the whole process's (clients, JIT, GC and, when local, the broker too): on a shared machine
     * msg/s falls with the CPU share this run gets; msg per CPU second much less so.
     */
    static Map<String, Object> result(String label, long messages, long timed, double seconds, long cpuNanos) {
        var row = new LinkedHashMap<String, Object>();
        row.put("step", label);
        row.put("messages", messages);
        row.put("count checked", "yes");
        row.put("timed", timed);
        row.put("seconds", String.format(Locale.US, "%.3f", seconds));
        row.put("msg/s", String.format(Locale.US, "%,.0f", timed / seconds));
        row.put("CPU s", String.format(Locale.US, "%.2f", cpuNanos / 1e9));
        row.put("msg per CPU s", String.format(Locale.US, "%,.0f", timed / (cpuNanos / 1e9)));
        return row;
    }

    /** A client's own metric, averaged over its recent samples: how its batching turned out. */
    static double metric(Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().tags().size() == 1) // the client's total, not a topic's
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(Double.NaN);
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
