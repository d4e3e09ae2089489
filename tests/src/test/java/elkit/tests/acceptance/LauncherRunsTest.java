package elkit.tests.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Catalog;
import elkit.tests.support.Launcher;
import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a teacher and a learner type, through {@code ./jbang}, from an empty JBang cache (a JBANG_DIR of this
 * class; the local Maven repository is shared): {@code doctor --prefetch}, which builds every alias and
 * exercise and starts every sandbox service once; then the whole {@code tour} (every lesson) beside each
 * {@code sandbox <service>} run until its export lines, then stopped with Ctrl-C (SIGINT). The Kafka sandbox
 * also serves a client that is not Java: queue-kafka produces into it, librdkafka (Python's confluent-kafka)
 * reads the orders back. Then every other alias (the benchmarks with few rows, the tools) from the same cache.
 * Everything these runs start gets a temp folder of this class's own
 * (java.io.tmpdir, TMPDIR), which must be empty at the end: nothing left in /tmp.
 * Exercises through the launcher from an empty cache: {@link elkit.tests.classroom.ExercisesTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherRunsTest {

    static final Pattern EXPORT = Pattern.compile("^export ([A-Z][A-Z0-9_]*)='(.*)'$");
    static final Pattern PORT = Pattern.compile("(?:127\\.0\\.0\\.1|localhost):(\\d+)");
    /** Sandboxes at a time, beside the tour: each is a JVM and a server (two at a time, MariaDB missed its 30 s start under load). */
    static final int SANDBOXES_AT_A_TIME = 1;

    @TempDir
    static Path home;

    /** java.io.tmpdir and TMPDIR of everything this class starts. */
    static Path tmp;

    static Map<String, String> env;

    static final long started = System.nanoTime();
    static final Map<String, Double> seconds = new LinkedHashMap<>();
    static List<String> tmpBefore;

    @BeforeAll
    static void emptyCache() throws IOException {
        tmp = Files.createDirectories(home.resolve("tmp"));
        env = new HashMap<>();
        Launcher.CONTRACT.forEach(name -> env.put(name, null)); // every lesson takes its local default
        env.put("JBANG_DIR", home.resolve("jbang-dir").toString());
        env.put("ELKIT_LAUNCH_CACHE", home.resolve("launch-cache").toString());
        env.put("ELKIT_WORK", home.resolve("work").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        env.put("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        env.put("TMPDIR", tmp.toString());
        tmpBefore = list(Path.of("/tmp"));
        // JBang fetched (on a fresh machine) before anything runs two launchers at once
        var version = jbang(Duration.ofMinutes(10), "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
    }

    @AfterAll
    static void report() throws IOException {
        seconds.forEach((what, s) -> System.out.printf("[launcher-runs] %s: %.1f s%n", what, s));
        System.out.printf("[launcher-runs] the class: %.1f s%n", (System.nanoTime() - started) / 1e9);
        var after = list(Path.of("/tmp"));
        var appeared = new ArrayList<>(after);
        appeared.removeAll(tmpBefore);
        System.out.println("[launcher-runs] /tmp: " + tmpBefore.size() + " entries before, " + after.size()
                + " after; new meanwhile (this class's runs use their own temp folder; other JVMs share /tmp): " + appeared);
    }

    static List<String> list(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static ScriptRun jbang(Duration limit, String... args) {
        var command = new ArrayList<String>();
        command.add(Repo.path("jbang").toString());
        command.addAll(List.of(args));
        return ScriptRun.exec(command, Repo.root(), env, limit);
    }

    static <T> T timed(String what, java.util.concurrent.Callable<T> action) throws Exception {
        long start = System.nanoTime();
        try {
            return action.call();
        } finally {
            synchronized (seconds) { seconds.put(what, (System.nanoTime() - start) / 1e9); }
        }
    }

    @Test
    @Order(1)
    void doctorPrefetchEndsZeroFromAnEmptyCacheAndLeavesNothingInTmp() throws Exception {
        // its steps, from its own one-line answer to an unknown one; the notebooks' Maven build is left to
        // DoctorTest, which runs it in a copy (here it would rebuild the modules these tests run from)
        var unknown = jbang(Duration.ofMinutes(5), "doctor", "--prefetch", "--only", "sandbox:no-such-service");
        Matcher m = Pattern.compile("\\(steps: ([^)]*)\\)").matcher(unknown.err());
        assertThat(m.find()).as(unknown.toString()).isTrue();
        var steps = new ArrayList<>(Arrays.stream(m.group(1).split(",")).map(String::strip).toList());
        assertThat(steps).contains("sandbox", "tour", "sandbox:kafka", "ex01-sqlite-load", "azurite", "notebooks");
        steps.remove("notebooks");
        // each "sandbox:<service>" step starts that service once and stops it; the next test starts every service
        // through ./jbang from this same cache, with sharper checks (export lines, Ctrl-C, ports, children), so
        // here only one is kept, for doctor's start-and-stop path: on 2 cores the others are a minute and a half of CI
        steps.removeIf(step -> step.startsWith("sandbox:") && !step.equals("sandbox:api"));

        var prefetch = timed("doctor --prefetch (" + steps.size() + " steps)",
                () -> jbang(Duration.ofMinutes(40), "doctor", "--prefetch", "--only", String.join(",", steps)));

        assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
        assertThat(prefetch.out()).doesNotContain("FAILED").contains("Prefetched. The lessons now run offline");
        assertThat(prefetch.out().lines().filter(l -> l.matches("\\[\\d+/\\d+] .* \\.\\.\\. ok \\(\\d+\\.\\d s\\)"))).hasSize(steps.size());
        assertThat(list(tmp)).as("left in the temp folder by doctor --prefetch").isEmpty();
    }

    @Test
    @Order(2)
    void theWholeTourBesideEverySandboxStartedAndStoppedWithCtrlC() throws Exception {
        var leftBefore = list(tmp); // what the prefetch left, if it failed to clean up, is its test's failure
        var usage = jbang(Duration.ofMinutes(5), "sandbox");
        Matcher m = Pattern.compile("\\(services: ([^)]*)\\)").matcher(usage.err());
        assertThat(m.find()).as(usage.toString()).isTrue();
        var services = Arrays.stream(m.group(1).split(",")).map(String::strip).toList();
        assertThat(services).contains("kafka", "postgres", "mysql", "s3", "sftp", "ftp");

        // the tour runs its lessons one after the other; the sandboxes meanwhile, one after the other
        CompletableFuture<ScriptRun> tour = CompletableFuture.supplyAsync(() -> {
            try {
                return timed("tour (every lesson)", () -> jbang(Duration.ofMinutes(40), "tour"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(SANDBOXES_AT_A_TIME);
        var problems = new ArrayList<String>();
        try {
            var futures = new LinkedHashMap<String, Future<List<String>>>();
            for (String service : services) futures.put(service, pool.submit(() -> timed("sandbox " + service, () -> sandbox(service))));
            for (var entry : futures.entrySet()) problems.addAll(entry.getValue().get());
        } finally {
            pool.shutdownNow();
        }

        var run = tour.get(45, TimeUnit.MINUTES);
        assertThat(problems).as("sandbox services through ./jbang").isEmpty();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        long lessons = Catalog.aliasesThatAreLessons().size();
        assertThat(run.out()).contains(lessons + " lesson(s): " + (lessons - 1) + " ok, 0 failed, 1 skipped")
                .containsPattern("(?m)^db-sqlserver\\s+-\\s+\\d+\\.\\d  skip ");
        for (String lesson : Catalog.aliasesThatAreLessons()) {
            if (!lesson.equals("db-sqlserver")) assertThat(run.out()).containsPattern("(?m)^" + lesson + "\\s+.*\\d+\\.\\d  yes$");
        }
        var left = new ArrayList<>(list(tmp));
        left.removeAll(leftBefore);
        assertThat(left).as("left in the temp folder by the tour and the sandboxes").isEmpty();
    }

    /** Scripts whose run without env vars is expected to end with another code than 0, and why. */
    static final Map<String, Integer> EXPECTED_EXIT = Map.of(
            "sandbox", 2,         // no service named: prints its usage
            "classroom", 2);      // no command given: prints its usage

    /** Arguments for an alias whose run with none would cost minutes: tour alone would run every lesson again. */
    static final Map<String, List<String>> ARGUMENTS = Map.of(
            "tour", List.of("db-sqlite"),
            "to-jshell", List.of("--check"),   // checks the walkthroughs, writes nothing
            // the benchmarks' defaults take minutes on a loaded 2-core machine; a launch needs few rows
            "bench-kafka", List.of("2000"), "bench-startup", List.of("1"),
            "bench-load", List.of("1000"), "bench-files", List.of("1000"), "bench-connect", List.of("200"),
            "bench-cloud", List.of("9"), "bench-transfer", List.of("5"), "bench-incremental", List.of("1000"));

    /** The tour ran the lessons; here every other alias (benchmarks, tools), from the cache the prefetch filled. */
    static List<String> aliasesThatAreNotLessons() throws Exception {
        var names = new ArrayList<String>();
        Catalog.aliases().fieldNames().forEachRemaining(names::add);
        names.removeAll(Catalog.aliasesThatAreLessons());
        return names;
    }

    @Test
    @Order(3)
    void everyAliasThatIsNotALessonRunsWithNoSetup() throws Exception {
        var leftBefore = list(tmp);
        var problems = new ArrayList<String>();
        for (String alias : aliasesThatAreNotLessons()) {
            var args = new ArrayList<String>(List.of(alias));
            args.addAll(ARGUMENTS.getOrDefault(alias, List.of()));
            var run = timed("./jbang " + String.join(" ", args), () -> jbang(Duration.ofMinutes(5), args.toArray(String[]::new)));
            int expected = EXPECTED_EXIT.getOrDefault(alias, 0);
            String lastErrLine = run.err().strip().lines().reduce((a, b) -> b).orElse("");
            if (run.exitCode() != expected) problems.add("./jbang " + alias + " ended " + run.exitCode() + ", not " + expected + ":\n" + run);
            else if (run.err().contains("\tat ") || run.err().contains("Could not find") || run.err().contains("error: ")) problems.add("./jbang " + alias + " printed an error:\n" + run);
            else if (expected == 0 && run.out().isBlank()) problems.add("./jbang " + alias + " printed nothing:\n" + run);
            else if (expected != 0 && !lastErrLine.startsWith(alias + ": ")) problems.add("./jbang " + alias + " did not end with its one line:\n" + run);
            else if (alias.equals("bench-connect") && !connectBenchmarkMeasured(run.out())) problems.add("./jbang bench-connect 200 measured less than its rounds:\n" + run);
        }
        assertThat(problems).as("the aliases that are not lessons, through ./jbang").isEmpty();
        var left = new ArrayList<>(list(tmp));
        left.removeAll(leftBefore);
        assertThat(left).as("left in the temp folder by the benchmarks and tools").isEmpty();
    }

    /**
     * bench-connect has no test class of its own: its four rounds of 200 updates (after the snapshot), the failover after
     * the kill, the target checked equal to the source, and the chart.
     */
    static boolean connectBenchmarkMeasured(String out) {
        long rounds = out.lines().filter(l -> l.matches(".* 200 events +\\d+\\.\\d\\d s +[\\d,]+ events/s")).count();
        return rounds == 4 && out.contains("The target equals the source row by row: 200 rows")
                && Pattern.compile("Every task runs on worker \\d again [\\d.]+ s after the kill").matcher(out).find()
                && out.contains("bench-connect.svg");
    }

    /** One sandbox through the launcher: export lines, then Ctrl-C, then stopped and cleaned up. Its problems, if any. */
    static List<String> sandbox(String service) throws Exception {
        var problems = new ArrayList<String>();
        Path err = Files.createFile(home.resolve("sandbox-" + service + ".err"));
        var builder = new ProcessBuilder(Repo.path("jbang").toString(), "sandbox", service).directory(Repo.root().toFile())
                .redirectError(err.toFile());
        env.forEach((name, value) -> {
            if (value == null) builder.environment().remove(name);
            else builder.environment().put(name, value);
        });
        builder.environment().put("JAVA_TOOL_OPTIONS", ScriptRun.javaToolOptions(env));
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            var exports = new LinkedHashMap<String, String>();
            var printed = new ArrayList<String>();
            var ready = CompletableFuture.supplyAsync(() -> {
                try {
                    var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    for (String line; (line = reader.readLine()) != null; ) {
                        synchronized (printed) { printed.add(line); }
                        Matcher export = EXPORT.matcher(line);
                        if (export.matches()) exports.put(export.group(1), export.group(2));
                        if (line.equals("# Stop it with Ctrl-C.")) return true;
                    }
                    return false;
                } catch (IOException e) {
                    return false;
                }
            });
            boolean up;
            try {
                up = ready.get(5, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                up = false;
            }
            if (!up || exports.isEmpty()) {
                problems.add("sandbox " + service + " printed no export lines:\n" + String.join("\n", printed) + "\n" + Files.readString(err));
                return problems;
            }
            if (service.equals("kafka")) problems.addAll(librdkafkaReadsTheLessonsOrders(exports.get("KAFKA_BOOTSTRAP_SERVERS")));

            var ports = new ArrayList<Integer>();
            exports.values().forEach(value -> {
                Matcher port = PORT.matcher(value);
                while (port.find()) ports.add(Integer.parseInt(port.group(1)));
            });
            var children = process.descendants().toList(); // database servers, Azurite's node ...
            // Ctrl-C: SIGINT to the launcher's process (the JVM it became) and what it started
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                problems.add("sandbox " + service + " still runs 90 s after Ctrl-C");
                return problems;
            }
            String stderr = Files.readString(err);
            if (!stderr.contains("[sandbox] " + service + " stopped")) problems.add("sandbox " + service + " did not say it stopped:\n" + stderr);
            for (int port : ports) if (accepts(port)) problems.add("sandbox " + service + ": port " + port + " still open after Ctrl-C");
            for (var child : children) {
                if (child.isAlive()) problems.add("sandbox " + service + ": " + child.info().command().orElse("pid " + child.pid()) + " still runs");
            }
            if (stderr.contains("SLF4J")) problems.add("sandbox " + service + " printed SLF4J warnings:\n" + stderr);
            return problems;
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** queue-kafka produces the chapter's orders into the sandbox; librdkafka (Python's confluent-kafka) reads them. */
    static List<String> librdkafkaReadsTheLessonsOrders(String bootstrap) {
        var problems = new ArrayList<String>();
        var lessonEnv = new HashMap<>(env);
        lessonEnv.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        var produce = ScriptRun.exec(List.of(Repo.path("jbang").toString(), "queue-kafka", "produce"), Repo.root(), lessonEnv);
        if (produce.exitCode() != 0 || !produce.out().contains("Delivered order 1006 to topic orders")) {
            problems.add("queue-kafka produce into sandbox kafka:\n" + produce);
            return problems;
        }
        var consume = ScriptRun.exec(List.of(Python.PYTHON3.toString(), "-c", """
                import sys, time
                from confluent_kafka import Consumer
                consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "elkit-librdkafka-check",
                                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
                consumer.subscribe(["orders"])
                seen, deadline = [], time.time() + 60
                while len(seen) < 7 and time.time() < deadline:
                    message = consumer.poll(1.0)
                    if message is None:
                        continue
                    if message.error():
                        sys.exit("error: %s" % message.error())
                    key = message.key()  # the chapter's message has none
                    seen.append("%s %s" % (key.decode() if key is not None else "-", message.value().decode()))
                consumer.close()
                print("\\n".join(seen))
                """, bootstrap), Repo.root(), Map.of());
        if (consume.exitCode() != 0) {
            problems.add("confluent-kafka could not read the sandbox:\n" + consume);
        } else {
            // key and JSON value of each message, in any order across partitions: the chapter's message, which
            // has no key ("-"), and the lesson's 6 orders, keyed by their order id
            var messages = new java.util.TreeMap<String, String>();
            consume.out().strip().lines().forEach(line -> messages.put(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1)));
            boolean theLessons = messages.keySet().equals(java.util.Set.of("-", "1001", "1002", "1003", "1004", "1005", "1006"))
                    && messages.get("-").equals("{\"customer_id\":101,\"event\":\"purchase\",\"amount\":299.99,\"timestamp\":\"2024-01-15T10:30:00\"}")
                    && messages.entrySet().stream().filter(m -> !m.getKey().equals("-"))
                            .allMatch(o -> o.getValue().contains("\"order_id\":" + o.getKey() + ","));
            if (!theLessons) problems.add("confluent-kafka read other than the chapter's message and the lesson's 6 orders:\n" + consume.out());
        }
        return problems;
    }

    static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
