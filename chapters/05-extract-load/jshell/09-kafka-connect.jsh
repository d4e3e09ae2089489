// JShell walkthrough of notebooks/09-kafka-connect.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/09-kafka-connect.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/09-kafka-connect.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/connect-cluster.java

// # 9. Beyond the chapter: the same pipelines on a distributed engine, Kafka Connect
//
// The lesson `scripts/connect-cluster.java`, cell by cell: two Kafka Connect workers in distributed mode (each a process of its own, config, offsets and status in Kafka topics), Debezium's PostgreSQL source and Debezium's JDBC sink deployed through the REST API with OkHttp and Jackson, a worker killed while changes flow, the target checked equal to the source row by row, the rebalance when the worker returns, `tasks.max` raised on the sink, and bad input on one line each. Every code cell is the script's own code (a test keeps them identical); cells marked `// notebook:` exist only here. Build the classpath folder once from the repository root first: `mvn -q -pl notebooks -am package -DskipTests`; the sink plugin's jars come from JBang (`./jbang doctor --prefetch` fetches them for offline use). The broker is a real Kafka broker started in the kernel when `KAFKA_BOOTSTRAP_SERVERS` is not set, the source a real PostgreSQL (with `wal_level=logical`) when `PG_URL` is not set; the page is `chapters/05-extract-load/09-kafka-connect.md`.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// notebook: the PostgreSQL binaries this notebook's local server runs (kept out of target/classpath: 14 MB)
// %jar target/servers/postgres   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

// The imports of `connect-cluster` (all but `ConnectDistributed`, which only the worker processes run):

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import elkit.Cli;
import elkit.Db;
import elkit.Env;
import elkit.Lab;
import elkit.Options;
import elkit.Scratch;
import elkit.Table;
import elkit.local.LocalConnect;
import elkit.local.LocalKafka;
import elkit.local.LocalPostgres;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

// The lesson's names: the table, the worker group, its three internal topics, the two connectors; the REST client.

static final String TABLE = "customers_connect";
static final String GROUP = "elkit-connect";
static final String PREFIX = "elkit";
static final String CHANGE_TOPIC = PREFIX + ".public." + TABLE;
static final List<String> INTERNAL_TOPICS = List.of(GROUP + "-configs", GROUP + "-offsets", GROUP + "-status");
static final String SOURCE = "elkit-pg-source";
static final String SINK = "elkit-jdbc-sink";
static final Duration WAIT = Duration.ofSeconds(Long.getLong("elkit.connect.wait", 240));
static final Pattern PG_URL = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+).*");
static final MediaType JSON_TYPE = MediaType.get("application/json");
static final ObjectMapper JSON = new ObjectMapper();
static final OkHttpClient HTTP = new OkHttpClient.Builder().
        connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(90)).build();

// ## The REST calls: OkHttp and Jackson, as in section 3
//
// Every worker serves the same REST API. A 4xx or 5xx answer becomes one line with Connect's own message; a 409 (the group is rebalancing) is asked again.

static final class RestError extends RuntimeException {
    final int code;

    RestError(int code, String call, String message) {
        super(call + " -> HTTP " + code + ": " + message);
        this.code = code;
    }
}

/** Connect answers errors as {"error_code": 400, "message": "..."}: the message, on one line. */
static String messageOf(String body) {
    try {
        String message = JSON.readTree(body).path("message").asText(body);
        return message.replaceAll("(?s)\\s*You can also find the above list of errors.*", "")
                .replaceAll("(?s), available connectors are: .*", "") // the whole plugin list, one long line
                .replaceAll("\\s*\\n\\s*", " ").strip();
    } catch (IOException notJson) {
        return body.strip();
    }
}

static JsonNode callOnce(Request request) {
    try (var response = HTTP.newCall(request).execute()) {
        String body = response.body().string();
        if (!response.isSuccessful()) {
            throw new RestError(response.code(), request.method() + " " + request.url().encodedPath(), messageOf(body));
        }
        return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
        throw Cli.fail(e, "%s %s: no answer from the Connect worker: %s", request.method(), request.url(), Cli.reason(e));
    }
}

/**
 * The answer as JSON; a 4xx or 5xx becomes one line with Connect's own error message. A 409 means the group is
 * rebalancing ("Cannot complete request momentarily due to stale configuration"): asked again, as operators do.
 */
static JsonNode call(Request request) {
    for (int attempt = 1; ; attempt++) {
        try {
            return callOnce(request);
        } catch (RestError e) {
            if (e.code != 409 || attempt == 30) throw e;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }
    }
}

static JsonNode get(String url) {
    return call(new Request.Builder().url(url).build());
}

static JsonNode put(String url, ObjectNode body) {
    return call(new Request.Builder().url(url).put(RequestBody.create(body.toString(), JSON_TYPE)).build());
}

static void delete(String url) {
    call(new Request.Builder().url(url).delete().build());
}

/** PUT /connector-plugins/{class}/config/validate: the errors the connector finds in a config, on one line. */
static String validation(String any, String name, ObjectNode config) {
    String type = config.path("connector.class").asText();
    String url = any + "/connector-plugins/" + type.substring(type.lastIndexOf('.') + 1) + "/config/validate";
    var answer = put(url, config.deepCopy().put("name", name)); // the body is the config with its name
    var errors = new ArrayList<String>();
    for (var entry : answer.path("configs")) {
        for (var error : entry.path("value").path("errors")) {
            errors.add(entry.path("value").path("name").asText() + ": " + error.asText().replaceAll("\\s*\\n\\s*", " ").strip());
        }
    }
    return "PUT " + url.substring(any.length()) + " -> " + answer.path("error_count").asInt() + " error(s): " + String.join("; ", errors);
}

/** The message of a create that Connect refuses; a create that succeeds is a failure of the lesson. */
static String refusal(String url, ObjectNode config) {
    try {
        put(url, config);
    } catch (RestError expected) {
        return expected.getMessage();
    }
    delete(url.replaceAll("/config$", ""));
    throw Cli.fail("Connect accepted a bad config at %s", url);
}

// ## The connector configs
//
// Debezium's PostgreSQL source with the settings of section 8, and Debezium's JDBC sink, which upserts and deletes by the record's key: a replayed event writes the same row again, so at-least-once delivery is enough.

static ObjectNode sourceConfig(String url, String user, String password, String slot) {
    var where = PG_URL.matcher(url);
    if (!where.matches()) throw Cli.fail(2, "PG_URL must look like jdbc:postgresql://host:port/database, got %s", Db.safeUrl(url));
    var config = JSON.createObjectNode();
    config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    config.put("tasks.max", "1"); // one replication slot, one reader: a PostgreSQL source has one task
    config.put("database.hostname", where.group(1));
    config.put("database.port", where.group(2) == null ? "5432" : where.group(2));
    config.put("database.dbname", where.group(3));
    config.put("database.user", user);
    config.put("database.password", password);
    config.put("topic.prefix", PREFIX);
    config.put("plugin.name", "pgoutput");
    config.put("slot.name", slot);
    config.put("publication.name", slot);
    config.put("publication.autocreate.mode", "filtered");
    config.put("table.include.list", "public." + TABLE);
    config.put("snapshot.mode", "initial");
    // The broker creates no topics by itself: Connect creates the change topic, 4 partitions for up to 4 sink tasks
    config.put("topic.creation.default.partitions", "4");
    config.put("topic.creation.default.replication.factor", "1");
    return config;
}

static ObjectNode sinkConfig(String url, String user, String password, int tasks, String table) {
    var config = JSON.createObjectNode();
    config.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
    config.put("tasks.max", String.valueOf(tasks));
    config.put("topics", CHANGE_TOPIC);
    config.put("connection.url", url);
    config.put("connection.username", user);
    config.put("connection.password", password);
    // Upserts and deletes by the record's key: a replayed event writes the same row again, so at-least-once is enough
    config.put("insert.mode", "upsert");
    config.put("delete.enabled", "true");
    config.put("primary.key.mode", "record_key");
    config.put("schema.evolution", "none"); // the table is the DBA's: a mismatch fails the task, it is not altered
    config.put("collection.name.format", table);
    config.put("table.name.format", table);
    return config;
}

static ObjectNode masked(ObjectNode config) {
    var copy = config.deepCopy();
    for (String secret : List.of("database.password", "connection.password")) {
        if (copy.has(secret)) copy.put(secret, "****");
    }
    return copy;
}

// Small helpers: the rows of a table, the first cause of a task's trace, a wait that says every 15 s what it waits for, the replication slot dropped at the end.

static List<Map<String, Object>> rows(Connection db) throws SQLException {
    return Db.query(db, "SELECT id, name, email, tier FROM " + TABLE + " ORDER BY id");
}

static List<String> rowsText(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> r.get("id") + "|" + r.get("name") + "|" + r.get("email") + "|" + r.get("tier")).toList();
}

/** The deepest "Caused by" of a Java trace as Connect reports it, else its first line. */
static String firstCause(String trace) {
    String found = trace.lines().findFirst().orElse("");
    for (String line : trace.lines().toList()) {
        if (line.startsWith("Caused by: ")) found = line.substring("Caused by: ".length());
    }
    return found.strip();
}

/** Polls {@code condition}; says every 15 s what it is still waiting for; fails with one line after {@code limit}. */
static void waitFor(BooleanSupplier condition, String what, Duration limit) {
    long started = System.nanoTime();
    long shown = 0;
    try {
        while (!condition.getAsBoolean()) {
            long waited = (System.nanoTime() - started) / 1_000_000_000L;
            if (waited >= limit.toSeconds()) throw Cli.fail("waited %d s for %s; it did not happen", limit.toSeconds(), what);
            if (waited >= shown + 15) {
                shown = waited - waited % 15;
                System.out.println("  ... still waiting for " + what + ": " + shown + " s");
            }
            Thread.sleep(250);
        }
    } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Cli.fail("interrupted while waiting for %s", what);
    }
}

static void dropSlot(Connection source, String slot) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
        var slots = Db.query(source, "SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot);
        if (slots.isEmpty()) return;
        if (!Boolean.TRUE.equals(slots.get(0).get("active"))) {
            Db.query(source, "SELECT pg_drop_replication_slot(?)::text AS dropped", slot);
            return;
        }
        if (System.nanoTime() > deadline) throw Cli.fail("the replication slot %s is still in use after 30 s; drop it by hand", slot);
        Thread.sleep(200);
    }
}

static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
    }
}

static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
}

// ## The workers
//
// A worker is a real process, started the way `connect-distributed.sh worker.properties` starts one. In the script, the worker JVM runs the script's own classpath and its class `WorkerMain` (Connect's `ConnectDistributed`, plus one line that says why a worker stopped). A JVM started from the kernel cannot load a class defined in the kernel, so here the workers run `ConnectDistributed` itself, on the classpath JBang resolves for the script:

// notebook: the workers run Connect's own main on the lesson's classpath as JBang resolves it for the script (a
// worker JVM cannot load WorkerMain, a class defined in the kernel); the script's workerCommand is on the page
String workerClasspath = String.join(java.io.File.pathSeparator,
        LocalConnect.resolve(Lab.root(), "scripts/connect-cluster.java").stream().map(Path::toString).toList());

static List<String> workerCommand(Path config, Path workDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-Xmx320m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + workDir,
            "-cp", workerClasspath, "org.apache.kafka.connect.cli.ConnectDistributed", config.toString());
}

// Each worker gets its properties: the group, the three internal topics, `plugin.path`, its REST listener, and session timeouts short enough to watch a failover.

/** A Connect worker in distributed mode: a child JVM on this script's classpath, its REST API on a free port. */
static final class Worker {
    static final int SESSION_TIMEOUT_MS = 6_000;
    static final int REBALANCE_DELAY_MS = 3_000;
    final int id;
    final int port;
    final Process process;
    final Path log;

    private Worker(int id, int port, Process process, Path log) {
        this.id = id;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static Worker start(int id, String bootstrap, Path workDir, Path plugins) throws IOException {
        int port = freePort();
        var props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        props.setProperty("group.id", GROUP);
        // Config, offsets and status in Kafka: any worker of the group can take over any task
        props.setProperty("config.storage.topic", INTERNAL_TOPICS.get(0));
        props.setProperty("offset.storage.topic", INTERNAL_TOPICS.get(1));
        props.setProperty("status.storage.topic", INTERNAL_TOPICS.get(2));
        // One broker here; 3 on a real cluster (the default), so that losing a broker loses no config or offset
        props.setProperty("config.storage.replication.factor", "1");
        props.setProperty("offset.storage.replication.factor", "1");
        props.setProperty("status.storage.replication.factor", "1");
        props.setProperty("offset.storage.partitions", "5");
        props.setProperty("status.storage.partitions", "1");
        // Connectors installed the production way: a folder per plugin, each loaded in a class loader of its own;
        // found through their ServiceLoader manifests, without scanning every class of every jar (minutes on 2 cores)
        props.setProperty("plugin.path", plugins.toString());
        props.setProperty("plugin.discovery", "service_load");
        props.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("listeners", "http://127.0.0.1:" + port);
        props.setProperty("rest.advertised.host.name", "127.0.0.1");
        props.setProperty("rest.advertised.port", String.valueOf(port));
        // A lost worker is noticed after the session timeout, and its tasks wait this long for it to return
        // (defaults 45 s and 5 min: patient with a worker that restarts; short here, to watch the failover)
        props.setProperty("session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS));
        props.setProperty("heartbeat.interval.ms", "1000");
        props.setProperty("scheduled.rebalance.max.delay.ms", String.valueOf(REBALANCE_DELAY_MS));
        // a worker without a broker gives up after these, instead of the default minute
        props.setProperty("default.api.timeout.ms", "10000");
        props.setProperty("request.timeout.ms", "5000");
        // A sink task is a consumer in a group of its own: after a kill its partitions wait for its consumer session to
        // expire (45 s by default), however fast the worker group moved the task itself
        props.setProperty("consumer.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS));
        props.setProperty("consumer.heartbeat.interval.ms", "1000");
        Path config = workDir.resolve("worker-" + id + ".properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "Kafka Connect worker " + id);
        }
        Path log = workDir.resolve("worker-" + id + ".log");
        var process = new ProcessBuilder(workerCommand(config, workDir))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        // a lesson that dies (Ctrl-C, a failure) takes its workers with it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new Worker(id, port, process, log);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Ready once it has joined the group: GET /connectors answers 200 (before, 404 or a refused connection). */
    boolean ready() {
        if (!process.isAlive()) {
            throw Cli.fail("Connect worker %d exited with code %d before it joined the group%s", id, process.exitValue(), lastLine());
        }
        try (var response = HTTP.newCall(new Request.Builder().url(url() + "/connectors").build()).execute()) {
            return response.code() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Waits for the workers together (they start in parallel), with a line every 15 s saying who is still starting. */
    static void awaitReady(List<Worker> workers) {
        long started = System.nanoTime();
        var joined = new java.util.TreeSet<Integer>();
        waitFor(() -> {
            for (var w : workers) if (!joined.contains(w.id) && w.ready()) {
                joined.add(w.id);
                System.out.printf("  worker %d joined group %s after %.1f s (REST %s)%n", w.id, GROUP, seconds(started), w.url());
            }
            return joined.size() == workers.size();
        }, "worker" + (workers.size() > 1 ? "s " : " ") + String.join(" and ", workers.stream().map(w -> String.valueOf(w.id)).toList())
                + " to join group " + GROUP, WAIT);
    }

    /** The worker's own last words (its one-line failure from WorkerMain), if it said any. */
    String lastLine() {
        try {
            var lines = Files.readAllLines(log).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the worker leaves the group cleanly, its tasks commit their offsets. */
    void stop() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
    }
}

record Placement(String state, String worker, String trace) {}

// The change writer: a steady trickle of inserts, updates and deletes on the source, one transaction each, so that a worker's death lands mid-stream.

/** Makes {@code count} changes on the source, one transaction each: inserts, then updates and deletes among them. */
static final class ChangeWriter extends Thread {
    final String url;
    final Properties login;
    final int count;
    final AtomicInteger done = new AtomicInteger();
    volatile String failure;

    ChangeWriter(String url, Properties login, int count) {
        super("change writer");
        this.url = url;
        this.login = login;
        this.count = count;
        setDaemon(true);
    }

    @Override
    public void run() {
        try (var db = DriverManager.getConnection(url, login);
             var insert = db.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?, ?)");
             var update = db.prepareStatement("UPDATE " + TABLE + " SET tier = ?, email = ? WHERE id = ?");
             var delete = db.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            for (int i = 0; i < count; i++) {
                int id = 100 + i / 3 * 3;
                switch (i % 3) {
                    case 0 -> { // a new customer
                        insert.setInt(1, id);
                        insert.setString(2, "Customer " + id);
                        insert.setString(3, "c" + id + "@example.com");
                        insert.setString(4, "basic");
                        insert.executeUpdate();
                    }
                    case 1 -> { // an upgrade
                        update.setString(1, "pro");
                        update.setString(2, "c" + id + "@example.org");
                        update.setInt(3, id);
                        update.executeUpdate();
                    }
                    default -> { // every second one leaves again
                        if (id % 2 == 0) {
                            delete.setInt(1, id);
                            delete.executeUpdate();
                        } else {
                            update.setString(1, "gold");
                            update.setString(2, "c" + id + "@example.net");
                            update.setInt(3, id);
                            update.executeUpdate();
                        }
                    }
                }
                done.incrementAndGet();
                Thread.sleep(20); // a steady trickle, so the kill lands mid-stream
            }
        } catch (Exception e) {
            failure = Cli.reason(e);
        }
    }
}

// ## The cluster's parts
//
// The sink plugin goes into `plugin.path`, in a folder of its own (its `debezium-core` 3.2 clashes with the 3.6.1 source on one classpath). Then a Kafka broker and PostgreSQL: yours, or local ones.

/**
 * Debezium's JDBC sink is served here at 3.2.0.Final only, and its debezium-core 3.2 clashes with the
 * 3.6.1 source on one classpath (NoSuchFieldError USE_TIME_ZONE_FIELD). Connect's answer is plugin.path:
 * the sink's own jars in a folder of their own, loaded child-first. JBang resolves them for
 * scripts/connect-plugins/debezium-jdbc-sink.java (offline once fetched); the folder links to them.
 */
static Path installSinkPlugin(Path repo, Path workDir) throws Exception {
    Cli.step("Install Debezium's JDBC sink 3.2.0 into plugin.path, in a folder of its own");
    Path plugins;
    try {
        plugins = LocalConnect.installPlugin(repo, workDir, LocalConnect.SINK_PLUGIN, "debezium-jdbc-sink");
    } catch (IllegalStateException e) {
        throw Cli.fail(e, "%s", e.getMessage());
    }
    try (var jars = Files.list(plugins.resolve("debezium-jdbc-sink"))) {
        System.out.println("plugin.path/debezium-jdbc-sink: " + jars.count() + " jars (debezium-connector-jdbc 3.2.0.Final, "
                + "debezium-core 3.2, Hibernate, the JDBC drivers; Jackson is the worker's)");
    }
    return plugins;
}

/** The second database on the local server, for the sink; it goes with the server. */
static String createTargetDatabase(LocalPostgres local) throws SQLException {
    try (var admin = local.adminConnection(); var stmt = admin.createStatement()) {
        stmt.execute("CREATE DATABASE analytics_replica OWNER " + LocalPostgres.USER);
    }
    return local.url().replaceAll("/" + LocalPostgres.DATABASE + "$", "/analytics_replica");
}

/** One line when the broker does not answer, before any worker is started against it. */
static void checkBroker(String bootstrap) {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
        admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
        throw Cli.fail(e, "the Connect workers cannot reach the Kafka broker at %s (KAFKA_BOOTSTRAP_SERVERS): no answer within 15 s", bootstrap);
    }
}

// notebook: what the script's lesson() sets up around its Pipeline: the broker (KAFKA_BOOTSTRAP_SERVERS, else a local
// one in the kernel), the source (PG_URL, PG_USER, PG_PASSWORD and TARGET_PG_URL, else a local PostgreSQL with a
// second database for the sink), a scratch folder; the Pipeline's fields are the notebook's variables
Thread.currentThread().setContextClassLoader(LocalKafka.class.getClassLoader()); // Kafka loads classes through it
String bootstrap = Env.optional("KAFKA_BOOTSTRAP_SERVERS").orElse(null);
if (bootstrap != null) checkBroker(bootstrap);
LocalKafka kafka = bootstrap != null ? null : LocalKafka.start();
if (kafka != null) bootstrap = kafka.bootstrapServers();
LocalPostgres local = Env.optional("PG_URL").isPresent() ? null : LocalPostgres.start();
Map<String, String> env = local != null ? local.env() : System.getenv();
String sourceUrl = env.get("PG_URL");
String user = env.get("PG_USER");
String password = env.getOrDefault("PG_PASSWORD", "");
String targetUrl = local != null ? createTargetDatabase(local) : System.getenv("TARGET_PG_URL");
String slot = "elkit_connect";
int changes = 300;
Path workDir = Scratch.folder("connect");
List<Worker> workers = new ArrayList<>();
Properties login = new Properties();
login.setProperty("user", user);
login.setProperty("password", password);
login.setProperty("connectTimeout", "10");
login.setProperty("loginTimeout", "10");
boolean publicationExisted = false;

Path plugins = installSinkPlugin(Lab.root(), workDir);

// ## What the pipeline asks the cluster
//
// `GET /connectors?expand=status` tells which worker runs each connector and task, and in what state; the lesson waits on it, prints it as a table, and finds the worker to kill in it.

/** Any live worker answers for the whole cluster: a REST call to one that does not lead is forwarded to the leader. */
String anyUrl() {
    return workers.stream().filter(Worker::alive).findFirst().orElseThrow(() -> Cli.fail("no worker is alive")).url();
}

/** GET /connectors?expand=status: which worker runs each connector and task, and in what state. */
Map<String, Placement> placement() {
    var status = get(anyUrl() + "/connectors?expand=status");
    var units = new TreeMap<String, Placement>();
    status.properties().forEach(c -> {
        var s = c.getValue().path("status");
        units.put(c.getKey() + "/connector", new Placement(s.path("connector").path("state").asText(), s.path("connector").path("worker_id").asText(), ""));
        for (var task : s.path("tasks")) {
            units.put(c.getKey() + "/" + task.path("id").asInt(), new Placement(task.path("state").asText(), task.path("worker_id").asText(), task.path("trace").asText("")));
        }
    });
    return units;
}

/** Two connectors, the source's one task (one replication slot, one reader) and the sink's tasks. */
static boolean isWhole(Map<String, Placement> now, int sinkTasks) {
    long sink = now.keySet().stream().filter(k -> k.startsWith(SINK + "/") && !k.endsWith("/connector")).count();
    return now.size() == 3 + sinkTasks && sink == sinkTasks;
}

void failIfFailed(Map<String, Placement> now) {
    now.forEach((unit, p) -> {
        if (p.state().equals("FAILED")) throw Cli.fail("%s FAILED on %s: %s", unit, p.worker(), firstCause(p.trace()));
    });
}

/** Waits until both connectors, the source's task and the sink's {@code sinkTasks} tasks are RUNNING (a FAILED one: its cause, one line). */
void awaitRunning(int sinkTasks) {
    waitFor(() -> {
        var now = placement();
        failIfFailed(now);
        return isWhole(now, sinkTasks) && now.values().stream().allMatch(p -> p.state().equals("RUNNING"));
    }, "the connectors and their tasks to run", WAIT);
}

boolean allOn(Worker worker, int sinkTasks) {
    var now = placement();
    return isWhole(now, sinkTasks) && now.values().stream()
            .allMatch(p -> p.state().equals("RUNNING") && p.worker().equals(worker.address()));
}

boolean runsSomething(Worker worker) {
    return placement().values().stream().anyMatch(p -> p.state().equals("RUNNING") && p.worker().equals(worker.address()));
}

boolean spreadOverAll() {
    var now = placement();
    return workers.stream().allMatch(w -> now.entrySet().stream().anyMatch(e -> e.getKey().startsWith(SINK + "/")
            && !e.getKey().endsWith("connector") && e.getValue().state().equals("RUNNING") && e.getValue().worker().equals(w.address())));
}

Worker workerRunning(Map<String, Placement> placement, String unit) {
    String address = placement.get(unit).worker();
    return workers.stream().filter(w -> w.address().equals(address)).findFirst()
            .orElseThrow(() -> Cli.fail("%s runs on %s, which is none of the lesson's workers", unit, address));
}

/** GET /connectors/{source}/status, the operator's first look: where its task runs, and in what state. */
String sourceStatus() {
    var status = get(anyUrl() + "/connectors/" + SOURCE + "/status");
    var task = status.path("tasks").path(0);
    return "GET /connectors/" + SOURCE + "/status -> connector " + status.path("connector").path("state").asText()
            + " on " + status.path("connector").path("worker_id").asText() + ", task 0 " + task.path("state").asText()
            + " on " + task.path("worker_id").asText();
}

void printPlacement(Map<String, Placement> placement) {
    var rows = new ArrayList<Map<String, Object>>();
    placement.forEach((unit, p) -> {
        var row = new LinkedHashMap<String, Object>();
        row.put("unit", unit);
        row.put("state", p.state());
        row.put("worker", workers.stream().filter(w -> w.address().equals(p.worker())).map(w -> "worker " + w.id).findFirst().orElse("?") + " (" + p.worker() + ")");
        rows.add(row);
    });
    Table.print(rows);
}

String failedTaskTrace(String connector) {
    return placement().entrySet().stream().filter(e -> e.getKey().startsWith(connector + "/") && e.getValue().state().equals("FAILED"))
            .map(e -> e.getValue().trace()).findFirst().orElse("");
}

Connection connect(String url, String name) {
    try {
        return DriverManager.getConnection(url, login);
    } catch (SQLException e) {
        throw Cli.fail("cannot connect to PostgreSQL at %s (%s) as user %s: %s", Db.safeUrl(url), name, user, Db.reason(e));
    }
}

/** Waits until the target equals the source row by row. */
void awaitEqual(Connection source, Connection target, String what) {
    waitFor(() -> {
        try {
            return rowsText(rows(source)).equals(rowsText(rows(target)));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }, what + " to arrive in the target", WAIT);
}

/** The source table with three customers and the target table, both with the same primary key. */
void prepare(Connection source, Connection target) throws SQLException {
    Cli.step("Prepare the source table and the target table (the sink writes rows, it does not own the table)");
    var walLevel = Db.query(source, "SHOW wal_level").get(0).get("wal_level");
    if (!"logical".equals(walLevel)) throw Cli.fail("the source at %s has wal_level=%s: Debezium needs wal_level=logical", Db.safeUrl(sourceUrl), walLevel);
    if (!Db.query(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot).isEmpty()) {
        throw Cli.fail("a replication slot named %s already exists on %s: another reader owns it, or a run that stopped dead left it "
                + "(SELECT pg_drop_replication_slot('%s')), or pass --slot NAME", slot, Db.safeUrl(sourceUrl), slot);
    }
    publicationExisted = !Db.query(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", slot).isEmpty();
    String ddl = "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, tier TEXT NOT NULL)";
    try (var stmt = source.createStatement()) {
        stmt.execute(ddl);
        stmt.execute("DELETE FROM " + TABLE);
        stmt.execute("INSERT INTO " + TABLE + " VALUES (1, 'Alice', 'alice@example.com', 'basic'), "
                + "(2, 'Bob', 'bob@example.com', 'basic'), (3, 'Carol', 'carol@example.com', 'pro')");
    }
    try (var stmt = target.createStatement()) {
        stmt.execute(ddl);
        stmt.execute("DELETE FROM " + TABLE);
        // a table that does not match the change events, for the bad input at the end
        stmt.execute("CREATE TABLE IF NOT EXISTS customers_mismatch (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL)");
    }
    System.out.println("source " + Db.safeUrl(sourceUrl) + " table " + TABLE + ": 3 rows; target " + Db.safeUrl(targetUrl) + " table " + TABLE + ": empty");
}

// ## The cluster on one machine
//
// The source table with three customers, the target table with the same primary key (the sink writes rows; it does not own the table):

// notebook: the script's teach() opens both in a try-with-resources; here they stay open until a later cell closes them
Connection source = connect(sourceUrl, "PG_URL");
Connection target = connect(targetUrl, "TARGET_PG_URL");

prepare(source, target);

// Two workers, one group: each a JVM of its own, with its config, offsets and status in Kafka topics.

// Two workers, one group: each a JVM of its own, config, offsets and status in Kafka topics
Cli.step("Start two Connect workers in distributed mode (group " + GROUP + "), each a process of its own");
long started = System.nanoTime();
workers.add(Worker.start(1, bootstrap, workDir, plugins));
workers.add(Worker.start(2, bootstrap, workDir, plugins));
Worker.awaitReady(workers);
System.out.printf("Both workers joined group %s in %.1f s: %s%n", GROUP, seconds(started),
        workers.stream().map(w -> "worker " + w.id + " (pid " + w.pid() + ") REST " + w.url()).toList());
System.out.println("GET " + workers.get(0).url() + "/ -> " + get(workers.get(0).url() + "/").toString());
System.out.println("Internal topics: " + INTERNAL_TOPICS);

// ## The pipeline, deployed through the REST API
//
// `PUT /connectors/{name}/config` creates a connector, or updates it when it exists: the same call, run twice, changes nothing.

// The pipeline, through the REST API: PUT /connectors/{name}/config creates or updates
Cli.step("Deploy Debezium's PostgreSQL source and the JDBC sink through the REST API");
String any = workers.get(0).url();
var sourceConfig = sourceConfig(sourceUrl, user, password, slot);
System.out.println("PUT " + any + "/connectors/" + SOURCE + "/config " + masked(sourceConfig));
System.out.println("  -> " + put(any + "/connectors/" + SOURCE + "/config", sourceConfig).path("name").asText() + " created");
var sinkConfig = sinkConfig(targetUrl, user, password, 1, TABLE);
System.out.println("PUT " + any + "/connectors/" + SINK + "/config " + masked(sinkConfig));
System.out.println("  -> " + put(any + "/connectors/" + SINK + "/config", sinkConfig).path("name").asText() + " created");
awaitRunning(1);
var placement = placement();
printPlacement(placement);
System.out.println(sourceStatus());

// The snapshot, then single changes: each arrives in the target
Cli.step("The snapshot arrives in the target; then an insert, an update and a delete on the source");
awaitEqual(source, target, "the snapshot");
try (var stmt = source.createStatement()) {
    stmt.execute("INSERT INTO " + TABLE + " VALUES (4, 'Dan', 'dan@example.com', 'basic')");
    stmt.execute("UPDATE " + TABLE + " SET tier = 'gold' WHERE id = 2");
    stmt.execute("DELETE FROM " + TABLE + " WHERE id = 3");
}
long applied = System.nanoTime();
awaitEqual(source, target, "the three changes");
System.out.printf("Arrived in the target %.1f s after the commit:%n", seconds(applied));
Table.print(rows(target));

// ## Failure: a worker killed while changes flow
//
// The worker that runs the source task is killed (`destroyForcibly`, as a machine that dies) while the change writer works. The group notices when the worker's session times out; its tasks move to the other worker, which resumes from the offsets stored in Kafka. The target is then checked equal to the source, row by row.

// Kill the worker that runs the source task while changes flow: its work moves to the other one
Cli.step("Kill the worker that runs the source task while " + changes + " changes flow (destroyForcibly)");
Worker victim = workerRunning(placement, SOURCE + "/0");
var writer = new ChangeWriter(sourceUrl, login, changes);
writer.start();
waitFor(() -> writer.done.get() >= changes / 3, "a third of the changes to be made", Duration.ofSeconds(60));
long killed = System.nanoTime();
victim.kill();
System.out.printf("Killed worker %d (pid %d) after %d of %d changes; the group notices when its session times out (%s ms), "
        + "then waits up to scheduled.rebalance.max.delay.ms (%s ms) for it to come back%n",
        victim.id, victim.pid(), writer.done.get(), changes, Worker.SESSION_TIMEOUT_MS, Worker.REBALANCE_DELAY_MS);
Worker survivor = workers.stream().filter(w -> w != victim).findFirst().orElseThrow();
waitFor(() -> allOn(survivor, 1), "every task to run on worker " + survivor.id, WAIT);
double failover = seconds(killed);
System.out.printf("Every task runs on worker %d again %.1f s after the kill%n", survivor.id, failover);
printPlacement(placement());
System.out.println(sourceStatus());
writer.join();
if (writer.failure != null) throw Cli.fail("the change writer failed: %s", writer.failure);
awaitEqual(source, target, "the changes made across the failure");
System.out.println("The target equals the source row by row: " + rows(target).size() + " rows, every column; "
+ writer.done.get() + " changes made, nothing lost (a replayed event is an upsert of the same row)");

// Restart the worker: the group rebalances, and the worker that returns takes some of the work back.

// Restart the worker: the group rebalances, and the returning worker takes some of the work back
Cli.step("Restart worker " + victim.id + ": the group rebalances");
int index = workers.indexOf(victim);
var again = Worker.start(victim.id, bootstrap, workDir, plugins);
workers.set(index, again);
Worker.awaitReady(List.of(again));
waitFor(() -> runsSomething(again), "worker " + again.id + " to get work", WAIT);
printPlacement(placement());

// ## Scale: `tasks.max` on the sink
//
// Up to one sink task per partition of the change topic (4 here), spread over the workers. On 2 cores this shows the placement, not more speed: the page's benchmark (`./jbang bench-connect`) gives the figures.

// Scale: more sink tasks, one per partition of the change topic at most, spread over the workers
Cli.step("Raise tasks.max on the sink to 4: the tasks spread across the workers");
put(anyUrl() + "/connectors/" + SINK + "/config", sinkConfig(targetUrl, user, password, 4, TABLE));
awaitRunning(4);
waitFor(() -> spreadOverAll(), "the sink tasks to spread over both workers", WAIT);
printPlacement(placement());
try (var stmt = source.createStatement()) {
    stmt.execute("UPDATE " + TABLE + " SET tier = 'platinum' WHERE id % 7 = 0");
}
awaitEqual(source, target, "an update on every seventh row, through four sink tasks");
System.out.println("4 sink tasks, 4 partitions of " + CHANGE_TOPIC + ": the target still equals the source");

// ## Bad input, one line each
//
// A wrong connector class and a wrong password (Connect's own REST message, validated before deploying), a sink table that does not match (the failed task's cause), a worker without a broker (it exits without joining).

/** Bad input gets one line each: the REST answer's message, the failed task's cause, a worker without a broker. */
void badInput(String any) throws Exception {
    Cli.step("Bad input: a wrong class, a wrong password, a sink table that does not match, a worker without a broker");
    var wrongClass = sourceConfig(sourceUrl, user, password, slot + "_x");
    wrongClass.put("connector.class", "io.debezium.connector.postgresql.PostgresConector");
    System.out.println("wrong class    -> " + refusal(any + "/connectors/elkit-bad-class/config", wrongClass));
    // Validate before deploying, as operators do: Connect asks the connector itself, and Debezium logs in to check
    // (a create with this config answers HTTP 500 with a NullPointerException's message in Connect 4.3.2)
    var wrongPassword = sourceConfig(sourceUrl, user, password + "-wrong", slot + "_x");
    System.out.println("wrong password -> " + validation(any, "elkit-bad-password", wrongPassword));

    put(any + "/connectors/elkit-bad-sink/config", sinkConfig(targetUrl, user, password, 1, "customers_mismatch"));
    waitFor(() -> !failedTaskTrace("elkit-bad-sink").isEmpty(), "the mismatching sink's task to fail", WAIT);
    System.out.println("table mismatch -> task elkit-bad-sink/0 FAILED: " + firstCause(failedTaskTrace("elkit-bad-sink")));
    delete(any + "/connectors/elkit-bad-sink");

    // A worker whose broker is not there: it does not join; it gives up and exits
    int nothing = freePort();
    var lost = Worker.start(3, "127.0.0.1:" + nothing, workDir, plugins);
    long started = System.nanoTime();
    boolean exited = lost.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    if (!exited) {
        lost.kill();
        throw Cli.fail("a worker pointed at 127.0.0.1:%d (nothing listens) was still running after %d s", nothing, WAIT.toSeconds());
    }
    System.out.printf("no broker      -> worker 3 (bootstrap.servers=127.0.0.1:%d, nothing listens) exited with code %d after %.1f s "
            + "without joining the group%s%n", nothing, lost.process.exitValue(), seconds(started), lost.lastLine());
}

badInput(anyUrl());

// ## At the end
//
// The lesson deletes its connectors, stops its workers, drops its replication slot and publication (and on your broker, deletes its topics); then the local servers stop.

/**
 * Deletes the connectors, stops the workers, drops the slot and the publication; deletes the topics on the user's
 * broker. Each part on its own: a part that fails is said in a line, and the lesson's own failure stays the one reported.
 */
void cleanUp(boolean usersBroker) {
    if (workers.isEmpty()) return; // nothing was started yet: nothing to undo
    Cli.step("Clean up: delete the connectors, stop the workers, drop the replication slot");
    var alive = workers.stream().filter(Worker::alive).findFirst();
    if (alive.isPresent()) {
        for (String name : List.of(SINK, SOURCE)) {
            try {
                delete(alive.get().url() + "/connectors/" + name);
            } catch (RuntimeException notThere) {
                // never created: nothing to delete
            }
        }
    }
    try {
        for (var worker : workers) worker.stop();
        try (Connection source = DriverManager.getConnection(sourceUrl, login)) {
            dropSlot(source, slot);
            if (!publicationExisted) {
                try (var stmt = source.createStatement()) {
                    stmt.execute("DROP PUBLICATION IF EXISTS " + slot);
                }
            }
        }
    } catch (Exception e) {
        System.out.println("could not drop the replication slot " + slot + ": " + Cli.reason(e) + " (SELECT pg_drop_replication_slot('" + slot + "'))");
    }
    if (usersBroker) {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var topics = new ArrayList<>(INTERNAL_TOPICS);
            topics.add(CHANGE_TOPIC);
            topics.retainAll(admin.listTopics().names().get(30, TimeUnit.SECONDS)); // a run that failed early made fewer
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("could not delete the topics " + INTERNAL_TOPICS + " and " + CHANGE_TOPIC + ": " + Cli.reason(e));
        }
    }
    System.out.println("Deleted the connectors, stopped " + workers.size() + " workers, dropped the replication slot " + slot
            + (publicationExisted ? "" : " and the publication " + slot) + (usersBroker ? ", deleted the lesson's topics" : ""));
}

// notebook: what the script's try-with-resources and lesson() close, the last opened first
target.close();
source.close();
cleanUp(kafka == null);
if (local != null) local.close();
if (kafka != null) kafka.close();
Scratch.deleteQuietly(workDir);

// ## Benchmark
//
// `./jbang bench-connect [rows]` measures change events per second through source, Kafka and sink with one worker and with two, and the time from a worker's death until its tasks run again; it starts a cluster of its own, for minutes, so it is not run here. Its figures are on the chapter page.
//
// ![bench-connect: change events per second through Kafka Connect, 20,000 rows, a quiet run](../chapters/05-extract-load/charts/bench-connect.png)
