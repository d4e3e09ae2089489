// A helper file's own dependencies, read by JBang through //SOURCES (it needs LocalKafka.java, Lab.java and Scratch.java too):
//DEPS org.apache.kafka:kafka-clients:4.3.2
package elkit.local;

import elkit.Lab;
import elkit.Scratch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A Kafka Connect cluster on 127.0.0.1 for {@code ./jbang sandbox connect}: a local KRaft broker
 * ({@link LocalKafka}) and two Connect 4.3.2 workers in distributed mode, each a JVM of its own, with
 * Debezium's PostgreSQL source on their classpath and Debezium's JDBC sink in their plugin.path, as
 * {@code connect-cluster} runs them. The workers' classpath is the one JBang resolves for
 * {@code scripts/connect-cluster.java} (a sandbox or a notebook kernel has no Connect of its own), so
 * this needs the ELKit checkout ({@link Lab#root()}). Their config, offsets and status live in the
 * broker's topics; everything is deleted at the end.
 */
public final class LocalConnect implements LocalServer {

    /** The Kafka Connect plugin connect-cluster installs into its workers' plugin.path. */
    public static final String SINK_PLUGIN = "scripts/connect-plugins/debezium-jdbc-sink.java";
    static final String WORKERS_OF = "scripts/connect-cluster.java";

    private final LocalKafka kafka;
    private final Path folder;
    private final List<Process> workers;
    private final List<Integer> ports;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalConnect(LocalKafka kafka, Path folder, List<Process> workers, List<Integer> ports) {
        this.kafka = kafka;
        this.folder = folder;
        this.workers = workers;
        this.ports = ports;
    }

    /** Starts the broker and two workers, and prints one line saying so once both have joined their group. */
    public static LocalConnect start() {
        long started = System.nanoTime();
        Path folder = Scratch.folder("connect");
        LocalKafka kafka = null;
        var processes = new ArrayList<Process>();
        try {
            Path repo = Lab.root();
            String classpath = resolve(repo, WORKERS_OF).stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            Path plugins = installPlugin(repo, folder, SINK_PLUGIN, "debezium-jdbc-sink");
            kafka = LocalKafka.start(false);
            var ports = new ArrayList<Integer>();
            for (int id = 1; id <= 2; id++) {
                int port = freePort();
                ports.add(port);
                processes.add(startWorker(id, port, kafka.bootstrapServers(), classpath, plugins, folder));
            }
            var local = new LocalConnect(kafka, folder, processes, ports);
            local.awaitJoined(TimeUnit.MINUTES.toNanos(5));
            LocalServer.announce("CONNECT_URL", "a local Kafka Connect cluster of 2 workers (Connect 4.3.2; Debezium's PostgreSQL source, "
                    + "the JDBC sink)", local.urls().get(0), started, " and " + local.urls().get(1) + ", its broker on " + kafka.bootstrapServers());
            return local;
        } catch (RuntimeException | IOException e) {
            processes.forEach(Process::destroyForcibly);
            if (kafka != null) kafka.close();
            Scratch.deleteQuietly(folder);
            if (e instanceof RuntimeException r) throw r;
            throw new UncheckedIOException("could not start the local Kafka Connect cluster: " + e.getMessage(), (IOException) e);
        }
    }

    /** The env-var contract pointing at this cluster: CONNECT_URL (worker 1's REST API), CONNECT_URLS (both). */
    @Override
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("CONNECT_URL", urls().get(0));
        env.put("CONNECT_URLS", String.join(",", urls()));
        return env;
    }

    public List<String> urls() {
        return ports.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops the workers (SIGTERM: each leaves the group), then the broker; deletes the folder. A second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            workers.forEach(Process::destroy);
            for (var worker : workers) {
                try {
                    if (!worker.waitFor(60, TimeUnit.SECONDS)) worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    worker.destroyForcibly();
                }
            }
            kafka.close();
        } finally {
            Scratch.deleteQuietly(folder);
        }
    }

    /**
     * The jars JBang resolves for {@code script} of the checkout ({@code ./jbang info classpath}, offline once fetched).
     * Asked twice before it fails: a JBang cache that another JBang changes at the same moment can fail one call.
     */
    public static List<Path> resolve(Path repo, String script) throws IOException {
        try {
            return resolveOnce(repo, script);
        } catch (IllegalStateException first) {
            return resolveOnce(repo, script);
        }
    }

    private static List<Path> resolveOnce(Path repo, String script) throws IOException {
        Path output = Files.createTempFile("elkit-classpath", ".txt");
        try {
            var process = new ProcessBuilder(repo.resolve("jbang").toString(), "info", "classpath", repo.resolve(script).toString())
                    .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("JBang did not resolve " + script + " within 10 minutes");
            }
            var lines = Files.readAllLines(output);
            String classpath = lines.stream().filter(l -> l.contains(".jar")).reduce((a, b) -> b).orElse("").strip();
            if (process.exitValue() != 0 || classpath.isEmpty()) {
                // JBang's closing "Run with --verbose ..." hint says nothing: the line before it says why
                String last = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("[jbang] Run with --verbose"))
                        .reduce((a, b) -> b).orElse("no output");
                throw new IllegalStateException("JBang could not resolve " + script + " (./jbang info classpath " + script + "): " + last);
            }
            return java.util.Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while JBang resolved " + script, e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * A plugin.path folder with one plugin in it: the jars of {@code script}, linked, except Jackson, which stays the
     * worker's (a second copy in the plugin meets the worker's Jackson modules through ServiceLoader, and the task fails).
     * Returns the plugin.path (the folder above the plugin's).
     */
    public static Path installPlugin(Path repo, Path workDir, String script, String name) throws IOException {
        Path plugins = workDir.resolve("plugins");
        Path folder = Files.createDirectories(plugins.resolve(name));
        for (Path jar : resolve(repo, script)) {
            String file = jar.getFileName().toString();
            if (!file.endsWith(".jar") || file.startsWith("jackson-") || file.startsWith(name)) continue;
            Files.createSymbolicLink(folder.resolve(file), jar);
        }
        return plugins;
    }

    private static Process startWorker(int id, int port, String bootstrap, String classpath, Path plugins, Path folder) throws IOException {
        var props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        props.setProperty("group.id", "elkit-sandbox-connect");
        props.setProperty("config.storage.topic", "elkit-sandbox-connect-configs");
        props.setProperty("offset.storage.topic", "elkit-sandbox-connect-offsets");
        props.setProperty("status.storage.topic", "elkit-sandbox-connect-status");
        props.setProperty("config.storage.replication.factor", "1");
        props.setProperty("offset.storage.replication.factor", "1");
        props.setProperty("status.storage.replication.factor", "1");
        props.setProperty("offset.storage.partitions", "5");
        props.setProperty("status.storage.partitions", "1");
        props.setProperty("plugin.path", plugins.toString());
        props.setProperty("plugin.discovery", "service_load");
        props.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("listeners", "http://127.0.0.1:" + port);
        props.setProperty("rest.advertised.host.name", "127.0.0.1");
        props.setProperty("rest.advertised.port", String.valueOf(port));
        props.setProperty("session.timeout.ms", "6000");
        props.setProperty("heartbeat.interval.ms", "1000");
        props.setProperty("scheduled.rebalance.max.delay.ms", "3000");
        Path config = folder.resolve("worker-" + id + ".properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "Kafka Connect worker " + id + " of ./jbang sandbox connect");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(java, "-Xmx320m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + folder,
                "-cp", classpath, "org.apache.kafka.connect.cli.ConnectDistributed", config.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("worker-" + id + ".log").toFile()).start();
        process.getOutputStream().close();
        return process;
    }

    /** Both workers answer GET /connectors with 200 once they have joined the group. */
    private void awaitJoined(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (int i = 0; i < workers.size(); i++) {
            while (!answers(ports.get(i))) {
                if (!workers.get(i).isAlive()) {
                    throw new IllegalStateException("Connect worker " + (i + 1) + " exited with code " + workers.get(i).exitValue() + " before it joined the group");
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("the Connect workers did not join their group within 5 minutes");
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the Connect workers started", e);
                }
            }
        }
    }

    private static boolean answers(int port) {
        try {
            var connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/connectors").toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
