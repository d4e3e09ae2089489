package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layer 2: the scripts through the real {@code ./jbang} launcher, in an empty JBang cache and with
 * JBang itself bootstrapped from Maven, as on a fresh clone. A missing //DEPS or //SOURCES line
 * fails here and not in a classroom. Every alias from an empty cache: {@link elkit.tests.acceptance.LauncherRunsTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbangLauncherTest {

    @TempDir
    static Path home;

    static Map<String, String> env;

    @BeforeAll
    static void emptyCaches() throws IOException {
        env = new HashMap<>();
        env.put("JBANG_DIR", home.resolve("jbang-dir").toString());          // empty JBang cache
        env.put("ELKIT_JBANG_CACHE", home.resolve("jbang-bootstrap").toString()); // JBang not fetched yet
        env.put("ELKIT_WORK", home.resolve("work").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
    }

    static ScriptRun launcher(Path workDir, Map<String, String> extraEnv, String... args) {
        var command = new java.util.ArrayList<String>();
        command.add(Repo.path("jbang").toString());
        command.addAll(List.of(args));
        return ScriptRun.exec(command, workDir, mergedEnv(extraEnv));
    }

    /** The test's environment: contract variables removed (null), caches empty, extras on top. */
    static Map<String, String> mergedEnv(Map<String, String> extraEnv) {
        var runEnv = new HashMap<String, String>();
        Launcher.CONTRACT.forEach(name -> runEnv.put(name, null));
        runEnv.putAll(env);
        runEnv.putAll(extraEnv);
        return runEnv;
    }

    @Test
    @Order(1)
    void aFreshCloneBootstrapsJBangWithMavenAndRunsTheFirstLessonByAlias() {
        Path db = home.resolve("first.db");

        var run = launcher(Repo.root(), Map.of(), "db-sqlite", db.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("[elkit] First run: fetching JBang 0.132.1 with Maven");
        assertThat(run.out()).contains("(101, 'Alice Johnson', 'alice@example.com', 5420.5)", "(5 rows)");
        assertThat(db).isRegularFile();
    }

    @Test
    @Order(2)
    void theSecondRunNeedsNeitherMavenNorTheNetwork() throws IOException {
        // an mvn first on PATH that records being called and fails
        Path fakeMvn = Files.createDirectories(home.resolve("failing-mvn-bin")).resolve("mvn");
        Path called = home.resolve("mvn-was-called");
        Files.writeString(fakeMvn, "#!/bin/sh\ntouch '" + called + "'\nexit 1\n");
        Files.setPosixFilePermissions(fakeMvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        var run = launcher(Repo.root(), Map.of("PATH", fakeMvn.getParent() + ":" + env.get("PATH")),
                "db-sqlite", home.resolve("second.db").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).doesNotContain("First run");
        assertThat(run.out()).contains("Inserted customer 101, Alice Johnson");
        assertThat(called).doesNotExist();
    }

    @Test
    @Order(2)
    void aScriptRunsByItsFileFromTheScriptsFolder() {
        var run = ScriptRun.exec(List.of("../jbang", "db-sqlite.java", home.resolve("by-file.db").toString()),
                Repo.path("scripts"), mergedEnv(Map.of()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Creating " + home.resolve("by-file.db"), "(5 rows)");
    }

    @Test
    @Order(2)
    void aJBangOnThePathIsUsedAsIs() throws IOException {
        Path bin = Files.createDirectories(home.resolve("installed-jbang-bin"));
        Path jbang = bin.resolve("jbang");
        Files.writeString(jbang, "#!/bin/sh\necho \"installed jbang got: $*\"\n");
        Files.setPosixFilePermissions(jbang, PosixFilePermissions.fromString("rwxr-xr-x"));

        var run = launcher(Repo.root(), Map.of("PATH", bin + ":" + env.get("PATH")), "db-sqlite", "x.db");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("installed jbang got: db-sqlite x.db\n");
    }

    @Test
    @Order(2)
    void aBadArgumentExitsNonZeroWithOneLineThroughTheLauncherToo() {
        var run = launcher(Repo.root(), Map.of(), "db-sqlite", "/no/such/dir/x.db");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).endsWith(
                "db-sqlite: cannot create database /no/such/dir/x.db: folder /no/such/dir does not exist\n");
        assertThat(run.err()).doesNotContain("\tat ");
    }
}
