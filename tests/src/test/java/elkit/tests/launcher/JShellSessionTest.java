package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.local.LocalPostgres;
import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ./jbang -i <lesson>}: JShell with the lesson's class, its //DEPS and the elkit classes it uses, driven
 * by commands piped in as a learner would type them, through the real launcher and real JShell.
 */
class JShellSessionTest {

    /** The JDKs to open a session on: the one running the tests (17), and a JDK 25 when the machine has one. */
    static List<String> jdks() {
        var jdks = new ArrayList<String>();
        jdks.add(System.getProperty("java.home"));
        jdk25().ifPresent(jdks::add);
        return jdks;
    }

    static java.util.Optional<String> jdk25() {
        String configured = System.getenv("ELKIT_JDK25");
        if (configured != null) return java.util.Optional.of(configured);
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            return jvms.filter(p -> p.getFileName().toString().matches(".*-25(\\D.*)?"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/jshell")))
                    .map(Path::toString).sorted().findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    @Test
    void thereIsAJdk25ToTryOrTheReasonIsSaid() {
        String reason = "no JDK 25 under /usr/lib/jvm (or ELKIT_JDK25): the JDK 25 session is not run";
        if (jdk25().isEmpty()) System.out.println("[jshell] " + reason);
        assumeTrue(jdk25().isPresent(), reason);
        assertThat(jdks()).hasSize(2);
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void theFirstLessonOpensInJShellWithItsClassElkitAndItsDriver(String javaHome, @TempDir Path home)
            throws Exception {
        Path db = home.resolve("session.db");
        long started = System.currentTimeMillis();
        // on the tests' JDK, as on a fresh clone: JBang not fetched yet, an empty JBang cache
        boolean freshClone = javaHome.equals(System.getProperty("java.home"));
        Map<String, String> caches = freshClone ? Map.of("ELKIT_JBANG_CACHE", home.resolve("jbang-bootstrap").toString(),
                "JBANG_DIR", home.resolve("jbang-dir").toString(), "PATH", Launcher.withoutJbang(System.getenv("PATH")))
                : Map.of();
        var session = session(home, javaHome, caches, List.of("db-sqlite", db.toString()), """
                db_sqlite.lesson(List.of(args))
                var conn = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                Table.print(Db.query(conn, "SELECT customer_id, name FROM customers WHERE customer_id = 101"))
                System.out.println("driver from " + Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName())
                System.out.println("lesson class " + db_sqlite.class.getSimpleName() + ", Db from " + Db.class.getName())
                conn.close();
                System.out.println("java " + Runtime.version().feature())
                /exit
                """);

        assertThat(session.exitCode()).as(session.toString()).isZero();
        if (freshClone) assertThat(session.err()).contains("[elkit] First run: fetching JBang 0.132.1 with Maven");
        // what the launcher tells the learner first
        assertThat(session.out()).contains("[elkit] db-sqlite.java is loaded: its class db_sqlite",
                "db_sqlite.lesson(List.of(args))",
                "/open chapters/05-extract-load/jshell/01-database-drivers.jsh");
        // the lesson ran in JShell, on the database file given after its name
        assertThat(session.out()).contains("Creating " + db, "(101, 'Alice Johnson', 'alice@example.com', 5420.5)",
                "(5 rows)");
        try (var conn = DriverManager.getConnection("jdbc:sqlite:" + db);
             var rs = conn.createStatement().executeQuery("SELECT COUNT(*) FROM customers")) {
            assertThat(rs.getInt(1)).isEqualTo(5);
        }
        // elkit's Db and Table, and the lesson's //DEPS, are usable from the prompt
        assertThat(session.out()).containsPattern("customer_id \\| name\\R-+\\+-+\\R +101 \\| Alice Johnson\\R\\(1 row\\)")
                .contains("driver from sqlite-jdbc-", "lesson class db_sqlite, Db from elkit.Db");
        assertThat(session.out()).as("JShell runs on the JDK asked for")
                .contains("java " + (javaHome.equals(System.getProperty("java.home")) ? Runtime.version().feature() : 25));
        assertThat(session.out() + session.err()).doesNotContainPattern("(?m)^(\\|  )?(Error:|Exception )");
        assertThat(home.resolve("tmp")).as("the session's folder is gone").isEmptyDirectory();
        assertThat(jbangLeftovers("db_sqlite", started)).as("JBang's startup file for the session").isEmpty();
    }

    @Test
    void aNetworkLessonReachesTheServerNamedByTheEnvVarsAndStartsItsOwn(@TempDir Path home) throws Exception {
        try (var mine = LocalPostgres.start()) {
            var session = session(home, System.getProperty("java.home"), mine.env(), List.of("db-postgres"), """
                    var yours = DriverManager.getConnection(Env.required("PG_URL"), Env.required("PG_USER"), Env.required("PG_PASSWORD"));
                    System.out.println("env-named server on port " + Db.query(yours, "SELECT current_setting('port') AS port").get(0).get("port"))
                    yours.close();
                    var server = LocalPostgres.start();
                    var local = DriverManager.getConnection(server.env().get("PG_URL"), server.env().get("PG_USER"), server.env().get("PG_PASSWORD"));
                    System.out.println("local server on port " + Db.query(local, "SELECT current_setting('port') AS port").get(0).get("port"))
                    local.close();
                    server.close();
                    /exit
                    """);

            assertThat(session.exitCode()).as(session.toString()).isZero();
            assertThat(session.out()).contains("Its local server:      var server = LocalPostgres.start();",
                    "Or yours, by env vars: PG_URL PG_USER PG_PASSWORD",
                    "env-named server on port " + mine.port());
            assertThat(session.out()).containsPattern("local server on port (?!" + mine.port() + "\\b)\\d+");
            assertThat(session.out() + session.err()).doesNotContain(mine.env().get("PG_PASSWORD"))
                    .doesNotContainPattern("(?m)^(\\|  )?(Error:|Exception )");
            assertThat(home.resolve("tmp")).isEmptyDirectory();
        }
    }

    @Test
    void theSectionsWalkthroughOpensInsideALessonsSessionAndRuns(@TempDir Path home) throws Exception {
        var session = session(home, System.getProperty("java.home"), Map.of(), List.of("scrape-html"), """
                /open chapters/05-extract-load/jshell/07-html-scraping.jsh
                System.out.println("still in JShell after the walkthrough")
                /exit
                """);

        assertThat(session.exitCode()).as(session.toString()).isZero();
        assertThat(session.out()).contains("Its section, in steps: /open chapters/05-extract-load/jshell/07-html-scraping.jsh",
                "Page title: ELKit Demo Shop", "Laptop Pro 14: $1,299.00", "still in JShell after the walkthrough");
        assertThat(session.out() + session.err()).doesNotContainPattern("(?m)^(\\|  )?(Error:|Exception )");
    }

    @Test
    void anUnknownLessonIsOneClearLineAndANonZeroExit(@TempDir Path home) throws Exception {
        var session = session(home, System.getProperty("java.home"), Map.of(), List.of("db-nosuch"), "/exit\n");

        assertThat(session.exitCode()).isNotZero();
        assertThat(session.err()).endsWith(
                "jbang: db-nosuch: no such lesson (not an alias of jbang-catalog.json, nor a .java file)\n");
        assertThat(session.err()).doesNotContain("\tat ");
        assertThat(home.resolve("tmp")).isEmptyDirectory();
    }

    /** JBang's startup files for sessions of {@code lessonClass} made since {@code since}: the launcher removes them. */
    static List<Path> jbangLeftovers(String lessonClass, long since) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
            return files.filter(p -> p.getFileName().toString().matches("jbang_arguments_\\d+" + lessonClass + "_\\w+\\.jsh"))
                    .filter(p -> p.toFile().lastModified() >= since - 1000).toList();
        }
    }

    /** {@code ./jbang -i <args>} from the repository root, with {@code input} piped in as typed commands. */
    static ScriptRun session(Path home, String javaHome, Map<String, String> extraEnv, List<String> args, String input)
            throws IOException, InterruptedException {
        var env = Launcher.jshellEnv(home);
        env.putAll(extraEnv);
        env.put("JAVA_HOME", javaHome);
        var command = new ArrayList<String>(List.of(Repo.path("jbang").toString(), "-i"));
        command.addAll(args);
        File stdin = Files.writeString(home.resolve("typed.jsh"), input).toFile();
        File out = home.resolve("out.txt").toFile(), err = home.resolve("err.txt").toFile();
        var builder = new ProcessBuilder(command).directory(Repo.root().toFile())
                .redirectInput(stdin).redirectOutput(out).redirectError(err);
        env.forEach((name, value) -> {
            if (value == null) builder.environment().remove(name);
            else builder.environment().put(name, value);
        });
        String options = ScriptRun.javaToolOptions(env);
        builder.environment().put("JAVA_TOOL_OPTIONS", options);
        Process process = builder.start();
        if (!process.waitFor(ScriptRun.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + ScriptRun.TIMEOUT);
        }
        return new ScriptRun(process.exitValue(), ScriptRun.withoutPickedUp(Files.readString(out.toPath(), StandardCharsets.UTF_8), options),
                ScriptRun.withoutPickedUp(Files.readString(err.toPath(), StandardCharsets.UTF_8), options));
    }
}
