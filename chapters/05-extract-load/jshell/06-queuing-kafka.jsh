// JShell walkthrough of notebooks/06-queuing-kafka.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/06-queuing-kafka.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/06-queuing-kafka.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/queue-kafka.java
//DEPS ../../../scripts/bench-kafka.java

// # 6. Queuing systems: Kafka
//
// The chapter's `kafka-python` producer and consumer with **kafka-clients** and **Jackson**, cell by cell, as in `scripts/queue-kafka.java`: a JSON producer with `acks=all` and idempotence, a consumer group that commits its offsets only after the orders are stored in SQLite with an upsert (at least once into an idempotent sink: effectively once), and a dead-letter topic for poison messages. See `chapters/05-extract-load/06-queuing-kafka.md` for the delivery guarantees explained.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// The imports of `queue-kafka`:

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Table;
import elkit.local.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

// The lesson's orders, sent after the chapter's own message: the first is the chapter's message with the order id the loader stores it by, the last has no amount, on purpose. Then the record the loader reads them into, and the lesson's constants.

static Map<String, Object> order(int orderId, int customerId, String event, String amount, String timestamp) {
    var message = new LinkedHashMap<String, Object>();
    message.put("order_id", orderId);
    message.put("customer_id", customerId);
    message.put("event", event);
    if (amount != null) message.put("amount", new BigDecimal(amount));
    message.put("timestamp", timestamp);
    return message;
}

/** An order as the consumer reads it: every field is required. JSON names are snake_case. */
record Order(int orderId, int customerId, String event, BigDecimal amount, String timestamp) {}

static final List<Map<String, Object>> SAMPLE_ORDERS = List.of(
        order(1001, 101, "purchase", "299.99", "2024-01-15T10:30:00"),
        order(1002, 102, "purchase", "45.50", "2024-01-15T10:31:12"),
        order(1003, 101, "refund", "-20.00", "2024-01-15T10:35:40"),
        order(1004, 103, "purchase", "1250.00", "2024-01-15T10:42:03"),
        order(1005, 104, "purchase", "12.75", "2024-01-15T10:44:58"),
        order(1006, 105, "purchase", null, "2024-01-15T10:47:21")); // no amount: a poison message

static final String GROUP_ID = "orders-loader";
static final Duration BROKER_WAIT = Duration.ofSeconds(10);
static final int CRASH_EXIT_CODE = 3;

// Helpers of the lesson: when a consumer has read everything, its positions, the one-line errors.

/** True when the consumer has partitions and has read each of them to its end. */
static boolean caughtUp(KafkaConsumer<?, ?> consumer) {
    var assigned = consumer.assignment();
    if (assigned.isEmpty()) return false;
    var ends = consumer.endOffsets(assigned);
    return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
}

static Map<String, Long> positions(KafkaConsumer<?, ?> consumer) {
    var positions = new LinkedHashMap<String, Long>();
    consumer.assignment().stream().sorted((a, b) -> a.toString().compareTo(b.toString()))
            .forEach(tp -> positions.put(tp.toString(), consumer.position(tp)));
    return positions;
}

/** The consumer's own bounded check: a broker that is down, or a topic that does not exist. */
static void checkTopic(KafkaConsumer<?, ?> consumer, String bootstrapServers, String topic) {
    try {
        if (consumer.partitionsFor(topic, BROKER_WAIT).isEmpty()) throw unknownTopic(bootstrapServers, topic);
    } catch (TimeoutException e) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        throw Cli.fail("no Kafka broker answered at %s within %d s (is it running? is KAFKA_BOOTSTRAP_SERVERS right?)",
                bootstrapServers, BROKER_WAIT.toSeconds());
    }
}

static Cli.Failure unknownTopic(String bootstrapServers, String topic) {
    return Cli.fail("topic %s does not exist at %s, and the broker creates no topic by itself: create it first "
            + "(kafka-topics.sh --bootstrap-server %s --create --topic %s)", topic, bootstrapServers, bootstrapServers, topic);
}

/** A producer timeout says "not present in metadata" whether the broker is down or the topic missing: ask. */
static Cli.Failure explain(Exception e, String bootstrapServers, String topic, String action) {
    if (!(e instanceof TimeoutException)) {
        return Cli.fail("could not %s topic %s at %s: %s", action, topic, bootstrapServers, firstLine(e.getMessage()));
    }
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000))) {
        admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException probe) {
        if (probe.getCause() instanceof UnknownTopicOrPartitionException) return unknownTopic(bootstrapServers, topic);
    } catch (Exception probe) {
        // no answer to the probe either: the broker is down
    }
    return Cli.fail("could not %s topic %s: no Kafka broker answered at %s within %d s (max.block.ms; is it running?)",
            action, topic, bootstrapServers, BROKER_WAIT.toSeconds());
}

static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) return null;
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
}

/** The first line of a parser's message, without Jackson's hints: "Missing creator property 'amount'". */
static String firstLine(String message) {
    if (message == null) return "no reason given";
    return message.lines().findFirst().orElse(message).replaceAll(" \\(index \\d+\\); `.*$", "").strip();
}

// ## The broker
//
// `KAFKA_BOOTSTRAP_SERVERS` when set (for example from `./jbang sandbox kafka`, which also creates the topics), else a real Kafka broker started here, in the kernel, with the topics `orders` and `orders.DLT`. The last cell stops it.

// notebook: the lesson's target and arguments; a local broker when KAFKA_BOOTSTRAP_SERVERS is unset
Thread.currentThread().setContextClassLoader(LocalKafka.class.getClassLoader()); // Kafka loads classes through it
LocalKafka local = Env.optional("KAFKA_BOOTSTRAP_SERVERS").isPresent() ? null : LocalKafka.start();
String bootstrapServers = local != null ? local.bootstrapServers() : Env.required("KAFKA_BOOTSTRAP_SERVERS");
String topic = "orders";
if (local != null) local.createTopic(topic, topic + ".DLT");
Path dbFile = Env.workDir().resolve("orders-notebook.db");
boolean crash = false;

// ## Producer - Send messages

var json = new ObjectMapper();

// Producer - Send messages
Cli.step("Producer: JSON values, acks=all, idempotence on");
var producerConfig = new Properties();
producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
// Sent means: written by the leader and every in-sync replica, not merely handed to the network
producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
// A retried send is written once: the broker drops the duplicate by producer id and sequence number
producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
// Safe need not be slow: fewer, bigger requests. Wait up to 10 ms for more messages to join a batch...
producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 10);
// ...of up to 128 KiB (the default, 16 KiB, sends a request every ~80 orders)...
producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
// ...compressed with lz4, cheap on CPU: JSON orders shrink to a fraction, on the wire and on the broker's disk
producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
// A broker that is down fails the send in bounded time instead of a hang
producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) BROKER_WAIT.toMillis());     // waiting for metadata
producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis()); // one request
producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * (int) BROKER_WAIT.toMillis()); // a send, retries included
// value_serializer=lambda v: json.dumps(v).encode('utf-8')
Serializer<Map<String, Object>> valueSerializer = (t, value) -> {
    try {
        return json.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
        throw new SerializationException("cannot write " + value + " as JSON", e);
    }
};

// notebook: the script opens the producer in a try-with-resources around the next cell; a notebook cannot
// hold a try across cells, so it opens it here and the next cell closes it
var failures = new ArrayList<Exception>();
var outgoing = new ArrayList<ProducerRecord<String, Map<String, Object>>>();
var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), valueSerializer);

// Send message: the chapter's message as it has it, a value with no key: producer.send('orders', value=message)
Cli.step("Send the chapter's message, then the lesson's orders, each with a callback");
Map<String, Object> message = new LinkedHashMap<>();
message.put("customer_id", 101);
message.put("event", "purchase");
message.put("amount", new BigDecimal("299.99"));
message.put("timestamp", "2024-01-15T10:30:00");
outgoing.add(new ProducerRecord<>(topic, message));
// Not in the chapter: orders that carry an order id, sent with it as the key, so that every event of one
// order lands on the same partition, in order, and the loader below can store each order once by its id
for (var order : SAMPLE_ORDERS) {
    outgoing.add(new ProducerRecord<>(topic, String.valueOf(order.get("order_id")), order));
}
for (var record : outgoing) {
    
if (!failures.isEmpty()) break; // no broker, no topic: stop rather than wait max.block.ms per message
    producer.send(record, (metadata, exception) -> {
        if (exception != null) {
            synchronized (failures) { failures.add(exception); }
        } else {
            System.out.printf("Delivered %s to topic %s, partition %d, offset %d%n",
                    record.key() == null ? "the chapter's message (no key)" : "order " + record.key(),
                    metadata.topic(), metadata.partition(), metadata.offset());
        }
    });
}

// producer.flush(): wait until every send has its answer (a callback), then close
producer.flush();
producer.close(BROKER_WAIT); // at most 10 s for anything still in flight; the try's own close is then a no-op

if (!failures.isEmpty()) throw explain(failures.get(0), bootstrapServers, topic, "send to");
System.out.println("Flushed and closed: " + outgoing.size() + " messages (the chapter's and "
        + SAMPLE_ORDERS.size() + " orders) acknowledged by all in-sync replicas");

// ## Consumer - Read messages
//
// First the chapter's consumer as it has it: no group, `auto_offset_reset='earliest'`, so nothing is committed and every run reads the topic again from its beginning. It meets the lesson's orders too: the last has no amount, where the chapter's `message.value['amount']` would raise `KeyError`.

static void consumeAsTheChapter(String bootstrapServers, String topic) {
    var json = new ObjectMapper();

    // Consumer - Read messages, as the chapter has it: no group_id and auto_offset_reset='earliest'.
    // Without a group nothing is committed, so every run reads the topic again from its beginning
    Cli.step("Consumer as the chapter has it: no group, from the beginning, every run");
    var consumerConfig = new Properties();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis());
    // value_deserializer=lambda m: json.loads(m.decode('utf-8')): a dict, here a Map
    Deserializer<Map<String, Object>> valueDeserializer = (t, bytes) -> {
        try {
            return json.readValue(bytes, new TypeReference<Map<String, Object>>() {});
        } catch (Exception e) {
            throw new SerializationException(firstLine(e.getMessage()), e);
        }
    };
    try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), valueDeserializer)) {
        checkTopic(consumer, bootstrapServers, topic);
        // With no group, kafka-clients refuses subscribe(): take every partition of the topic, as kafka-python does
        consumer.assign(consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        int read = 0;
        while (!caughtUp(consumer)) { // the chapter's loop waits for more forever; the lesson stops at the end
            ConsumerRecords<String, Map<String, Object>> messages;
            try {
                messages = consumer.poll(Duration.ofMillis(500));
            } catch (RecordDeserializationException notJson) { // json.loads raises: the chapter's loop ends here
                System.out.printf("Not JSON at %s offset %d (%s): the chapter's consumer would stop here; the lesson goes on%n",
                        notJson.topicPartition(), notJson.offset(), firstLine(notJson.getCause().getMessage()));
                consumer.seek(notJson.topicPartition(), notJson.offset() + 1);
                read++;
                continue;
            }
            for (var message : messages) {
                read++;
                System.out.println("Received: " + message.value());

                // Process message
                Object customerId = message.value().get("customer_id");
                Object amount = message.value().get("amount");
                if (customerId == null || amount == null) { // message.value['amount'] raises KeyError in Python
                    System.out.println("No " + (customerId == null ? "customer_id" : "amount")
                            + ": the chapter's message.value[...] raises KeyError here; the lesson goes on");
                    continue;
                }

                // Your processing logic here
                System.out.println("Customer " + customerId + " spent $" + amount);
            }
        }
        System.out.println("Read " + read + " messages from the beginning of " + topic
                + "; nothing is committed without a group, so the next run reads them all again");
    }
}

// notebook: run it
consumeAsTheChapter(bootstrapServers, topic);

// Then the lesson's loader, and what each change is for: a **group** (its committed offsets let the next run resume where this one stopped), **auto-commit off** (offsets are committed after the rows are stored), and a deserializer into an `Order` whose fields are all required. The chapter's message has no `order_id`, the key the table is upserted on, so the loader cannot store it once and only once: it sets it aside on the dead-letter topic with that reason.

var json = new ObjectMapper().
        setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).
        enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES).
        enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

// Not in the chapter: the same topic loaded into a database, each order once. What each change is for:
Cli.step("The lesson's loader: group " + GROUP_ID + ", earliest offset, JSON into Order records, commits by hand");
var consumerConfig = new Properties();
consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
// A group: its committed offsets let the next run resume where this one stopped, not at the beginning
consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
// A group with no committed offset starts at the beginning of the topic
consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
// Processed means: stored in the database. So the offsets are committed by us, after that
consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
// A consumer that dies without saying goodbye loses its partitions after 10 s
consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis());
// value_deserializer=lambda m: json.loads(m.decode('utf-8')), into an Order with every field required:
// the table needs them all, and order_id most, since the upsert that stores each order once is keyed on it
Deserializer<Order> valueDeserializer = (t, bytes) -> {
    try {
        return json.readValue(bytes, Order.class);
    } catch (Exception e) {
        String reason = firstLine(e.getMessage());
        if (reason.equals("Missing creator property 'order_id'")) {
            reason = "no order_id, the key the orders table is upserted on: without one the loader cannot store"
                    + " a message once and only once (the chapter's message has none)";
        }
        throw new SerializationException(reason, e);
    }
};

// notebook: the script opens the consumer in a try-with-resources; here it stays open until a later cell closes it
var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), valueDeserializer);

checkTopic(consumer, bootstrapServers, topic);
checkTopic(consumer, bootstrapServers, topic + ".DLT");
consumer.subscribe(List.of(topic));

// Not in the chapter: the orders go into SQLite with an upsert on the order id, and poison messages go to the dead-letter topic.

// notebook: the script opens the database and the dead-letter producer in one try-with-resources
// Not in the chapter: the orders go into SQLite, upserted on the order id.
// Poison messages go to the dead-letter topic, with the reason in a header, as they were sent
Connection db = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
var deadLetters = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) BROKER_WAIT.toMillis()),
        new ByteArraySerializer(), new ByteArraySerializer());

db.setAutoCommit(false);
try (var stmt = db.createStatement()) {
    stmt.execute("""
        CREATE TABLE IF NOT EXISTS orders (
            order_id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL,
            event TEXT NOT NULL,
            amount NUMERIC NOT NULL,
            ts TEXT NOT NULL
        )""");
}
db.commit();
int stored = 0;
int deadLettered = 0;

// notebook: the script prepares the upsert in a try-with-resources around the poll loop
var upsert = db.prepareStatement("""
        INSERT INTO orders (order_id, customer_id, event, amount, ts) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (order_id) DO UPDATE
        SET customer_id = excluded.customer_id, event = excluded.event, amount = excluded.amount, ts = excluded.ts""");

// Poll, process, store in one transaction, commit the database, and only then the offsets:

// for message in consumer: poll a batch, process it, store it, and only then commit its offsets
Cli.step("Poll, process, store, then commit (at least once)");
long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
while (!caughtUp(consumer)) {
    if (System.nanoTime() > deadline) throw Cli.fail("the consumer did not catch up with topic %s at %s within 60 s", topic, bootstrapServers);
    List<ConsumerRecord<String, Order>> batch = new ArrayList<>();
    try {
        consumer.poll(Duration.ofMillis(500)).forEach(batch::add);
    } catch (RecordDeserializationException poison) {
        // Not JSON, or a field missing: park the raw message on the dead-letter topic, and go on after it
        String reason = firstLine(poison.getCause() != null ? poison.getCause().getMessage() : poison.getMessage());
        var dead = new ProducerRecord<>(topic + ".DLT", bytes(poison.keyBuffer()), bytes(poison.valueBuffer()));
        dead.headers().add("dlt.reason", reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dlt.source", (poison.topicPartition() + "@" + poison.offset()).getBytes(StandardCharsets.UTF_8));
        deadLetters.send(dead).get(BROKER_WAIT.toSeconds(), TimeUnit.SECONDS);
        System.out.printf("Poison message at %s offset %d sent to %s.DLT: %s%n", poison.topicPartition(), poison.offset(), topic, reason);
        consumer.seek(poison.topicPartition(), poison.offset() + 1);
        consumer.commitSync(Map.of(poison.topicPartition(), new OffsetAndMetadata(poison.offset() + 1)));
        deadLettered++;
        continue;
    }
    if (batch.isEmpty()) continue;
    for (var message : batch) {
        System.out.println("Received: " + message.value());

        // Process message
        int customerId = message.value().customerId();
        BigDecimal amount = message.value().amount();

        // Your processing logic here: an upsert, so a message delivered twice changes nothing
        System.out.printf(Locale.US, "Customer %d spent $%s%n", customerId, amount.toPlainString());
        upsert.setInt(1, message.value().orderId());
        upsert.setInt(2, customerId);
        upsert.setString(3, message.value().event());
        upsert.setBigDecimal(4, amount);
        upsert.setString(5, message.value().timestamp());
        upsert.addBatch();
    }
    upsert.executeBatch();
    db.commit(); // first the rows...
    stored += batch.size();
    if (crash) {
        System.out.println("Simulated crash: " + batch.size() + " orders stored, offsets NOT committed; exiting now");
        System.out.flush();
        Runtime.getRuntime().halt(CRASH_EXIT_CODE); // no cleanup, no goodbye to the group: like kill -9
    }
    consumer.commitSync(); // ...then the offsets: a crash in between means redelivery, never a loss
    System.out.println("Stored " + batch.size() + " orders in one transaction, then committed the offsets " + positions(consumer));
}

// A clean close: leave the group at once, so its partitions go to another consumer without waiting
// (the try's own close is then a no-op)
consumer.close();
Cli.step("The orders table now (" + stored + " messages stored this run, " + deadLettered + " dead-lettered)");
Table.print(Db.query(db, "SELECT order_id, customer_id, event, amount, ts FROM orders ORDER BY order_id"));

// notebook: what the script's try-with-resources close, the last opened first
upsert.close();
deadLetters.close();
db.close();

// ## The dead-letter topic

/** Not in the chapter: what the dead-letter topic holds, and why. */
static void readDeadLetters(String bootstrapServers, String deadLetterTopic) {
    Cli.step("Read the dead-letter topic " + deadLetterTopic);
    try (var reader = new KafkaConsumer<>(Map.<String, Object>of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis()),
            new StringDeserializer(), new StringDeserializer())) {
        // no group: assign the partitions by hand and read them from the beginning, committing nothing
        var partitions = reader.partitionsFor(deadLetterTopic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        int count = 0;
        while (!caughtUp(reader)) {
            for (var message : reader.poll(Duration.ofMillis(500))) {
                var reason = message.headers().lastHeader("dlt.reason");
                System.out.println("Dead letter " + message.value() + " (reason: "
                        + (reason == null ? "none given" : new String(reason.value(), StandardCharsets.UTF_8)) + ")");
                count++;
            }
        }
        System.out.println(count + " dead letters in " + deadLetterTopic);
    }
}

// notebook: read it
readDeadLetters(bootstrapServers, topic + ".DLT");

// notebook: stop the local broker (its data folder is deleted)
if (local != null) local.close();

// ## Benchmark: Java next to Python's confluent-kafka, as a chart
//
// `./jbang bench-kafka [N]` (default 500,000) sends N JSON orders with the lesson's producer settings and tuned ones, reads them back, loads them into SQLite the lesson's way, and runs Python's confluent-kafka (librdkafka) on the same steps against the same broker (its own local one) when `python3-confluent-kafka` is installed. Here it runs with 2,000 orders, so the cell takes seconds: its tables, then its chart, the Python bar beside the Java bar (the same figures, also written to `work/bench/bench-kafka.svg` and `.png`). At this size, in a kernel that has just started, Java's code runs before the JIT has compiled it and pays its first-use costs, so the ratios here say little about speed: the cell shows the chart; the figures of a full run are on the chapter page.

// notebook: the benchmark script's own code, loaded whole (scripts/bench-kafka.java)
// the notebook's %load ../scripts/bench-kafka.java
/open scripts/bench-kafka.java

// notebook: a small run: 2,000 orders; its figures, then the chart, show under the cell
bench_kafka.lesson(List.of("2,000"));
