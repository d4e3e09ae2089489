package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./jbang doctor: one line per item with its fix, and --prefetch, after which a lesson and an
 * exercise run with JBang's offline mode from a local Maven repository that prefetch alone filled,
 * and the notebooks' classpath builds with Maven's offline mode.
 */
class DoctorTest {

    @TempDir
    static Path temp;

    static Map<String, String> env;

    @BeforeAll
    static void environment() {
        env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", JbangLauncherTest.withoutJbang(System.getenv("PATH")));
        env.put("ELKIT_REPO", Repo.root().toString());
    }

    static Path fakeCommand(Path bin, String name, String script) throws IOException {
        Path command = Files.createDirectories(bin).resolve(name);
        Files.writeString(command, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        return command;
    }

    @Test
    void theReportHasOneLinePerItemAndTheFixForWhatIsMissing() throws IOException {
        // a machine with an old Node and no Jupyter: commands first on PATH that say so
        Path bin = temp.resolve("old-node-no-jupyter");
        fakeCommand(bin, "node", "echo v12.22.9");
        fakeCommand(bin, "jupyter", "echo 'jupyter: command not found' >&2; exit 127");
        var runEnv = new HashMap<>(env);
        runEnv.put("PATH", bin + ":" + env.get("PATH"));
        runEnv.put("ELKIT_BWRAP", bin.resolve("no-bwrap").toString()); // and no sandbox for grading

        var run = ScriptRun.run("doctor", temp, runEnv);

        assertThat(run.exitCode()).as(run.toString()).isZero(); // the lessons can run: JDK and Maven are there
        assertThat(run.out())
                .containsPattern("(?m)^ok       JDK 17\\+             Java " + System.getProperty("java.version") + " with javac, at ")
                .containsPattern("(?m)^ok       Maven               Maven \\d+\\.\\d+\\.\\d+ ")
                .containsPattern("(?m)^ok       JBang               JBang ")
                .contains("MISSING  Node for Azurite    Node 12.22.9 (too old: 18+ needed): the Azure lesson's local Azurite needs"
                        + " Node 18+ and npm. Fix: sudo apt-get install nodejs npm\n")
                .contains("MISSING  Jupyter             not found: the notebooks need it. Fix: sudo apt-get install jupyter-core")
                .containsPattern("(?m)^MISSING  Java kernel         rapaio-jupyter-kernel is not installed in Jupyter. Fix: mvn .*"
                        + " && java -jar notebooks/target/kernel/rapaio-jupyter-kernel.jar -i -auto$")
                .contains("MISSING  grading sandbox     ELKIT_BWRAP=" + bin.resolve("no-bwrap") + " is not an executable bwrap."
                        + " Fix: Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap (else classroom grade needs --no-sandbox)\n");
        assertThat(run.out().lines().filter(l -> l.startsWith("ok ") || l.startsWith("MISSING ")).count()).isEqualTo(8);

        var strict = ScriptRun.run("doctor", temp, runEnv, "--strict");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.err()).endsWith("doctor: 4 items missing (--strict)\n");
    }

    @Test
    void anUnknownPrefetchStepIsOneLine() {
        var run = ScriptRun.run("doctor", temp, env, "--prefetch", "--only", "db-nosuch");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("doctor: --only db-nosuch: no such prefetch step (steps: db-sqlite, ").doesNotContain("\tat ");
    }

    @Test
    void aPrefetchFailureThatIsNotTheNetworkSaysItsCause() throws IOException {
        // a lab whose sandbox lists one service, which fails at start as sandbox kafka did (a class of another Kafka)
        Path lab = Files.createDirectories(temp.resolve("broken-lab/scripts"));
        Files.copy(Repo.path("jbang"), lab.resolveSibling("jbang"));
        lab.resolveSibling("jbang").toFile().setExecutable(true);
        Files.writeString(lab.resolveSibling("jbang-catalog.json"),
                "{\"aliases\": {\"sandbox\": {\"script-ref\": \"scripts/sandbox.java\", \"description\": \"sandbox\"}}}");
        Files.writeString(lab.resolve("sandbox.java"), """
                class sandbox {
                    public static void main(String[] args) {
                        if (args.length == 0) { System.err.println("sandbox: usage: sandbox <service>   (services: kafka)"); System.exit(2); }
                        System.err.println("sandbox: org/apache/kafka/server/util/TerseFailure: org.apache.kafka.server.util.TerseFailure");
                        System.exit(1);
                    }
                }
                """);
        var labEnv = new HashMap<>(env);
        labEnv.put("ELKIT_REPO", lab.getParent().toString());
        labEnv.put("JBANG_DIR", temp.resolve("broken-lab-jbang").toString());

        var run = ScriptRun.run("doctor", lab.getParent(), labEnv, "--prefetch", "--only", "sandbox:kafka");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("\\[1/1\\] first start of the local kafka server \\(sandbox kafka\\) \\.\\.\\. FAILED \\(\\d+\\.\\d s\\): "
                + "sandbox: org/apache/kafka/server/util/TerseFailure");
        assertThat(run.err()).isEqualTo("doctor: prefetch failed for 1 of 1 items: sandbox:kafka: sandbox: org/apache/kafka/server/util/TerseFailure:"
                + " org.apache.kafka.server.util.TerseFailure\n");
        assertThat(run.err()).doesNotContain("network");
    }

    @Test
    void afterPrefetchALessonAndAnExerciseRunWithJBangOffline() {
        // a local Maven repository that only prefetch fills, and an empty JBang cache
        var lab = new HashMap<>(env);
        lab.put("JBANG_REPO", temp.resolve("prefetched-repo").toString());
        lab.put("JBANG_DIR", temp.resolve("prefetched-jbang").toString());
        lab.put("ELKIT_WORK", temp.resolve("work").toString());

        var prefetch = ScriptRun.run("doctor", Repo.root(), lab, "--prefetch", "--only", "db-sqlite,ex01-sqlite-load");

        assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
        assertThat(prefetch.out()).containsPattern("\\[1/2\\] dependencies of db-sqlite \\.\\.\\. ok \\(\\d+\\.\\d s\\)")
                .containsPattern("\\[2/2\\] dependencies of exercise ex01-sqlite-load \\.\\.\\. ok \\(\\d+\\.\\d s\\)")
                .contains("Prefetched. The lessons now run offline");
        assertThat(temp.resolve("prefetched-repo/org/xerial/sqlite-jdbc")).isDirectory();

        var lesson = ScriptRun.exec(List.of("./jbang", "--offline", "db-sqlite", temp.resolve("offline.db").toString()), Repo.root(), lab);
        assertThat(lesson.exitCode()).as(lesson.toString()).isZero();
        assertThat(lesson.out()).contains("(5 rows)");

        var exercise = ScriptRun.exec(List.of("../../../jbang", "--offline", "ex01-sqlite-load.java"),
                Repo.path("chapters/05-extract-load/exercises"), lab);
        assertThat(exercise.exitCode()).as(exercise.toString()).isEqualTo(1);
        assertThat(exercise.out()).contains("Score: 0/3");

        // the control: without the prefetch, offline mode has nothing to run the lesson with
        var cold = new HashMap<>(lab);
        cold.put("JBANG_REPO", temp.resolve("empty-repo").toString());
        cold.put("JBANG_DIR", temp.resolve("empty-jbang").toString());
        var notPrefetched = ScriptRun.exec(List.of("./jbang", "--offline", "db-sqlite", temp.resolve("cold.db").toString()), Repo.root(), cold);
        assertThat(notPrefetched.exitCode()).as(notPrefetched.toString()).isNotZero();
        assertThat(notPrefetched.err()).contains("org.xerial:sqlite-jdbc");
    }

    @Test
    void afterPrefetchTheNotebooksClasspathBuildsWithMavenOffline() throws IOException {
        // a copy of the modules the notebooks build from, so that this build does not touch the one running the tests
        Path copy = temp.resolve("checkout");
        for (String file : List.of("pom.xml", "jbang", "jbang-catalog.json", "tests/pom.xml", "notebooks/pom.xml")) {
            Files.createDirectories(copy.resolve(file).getParent());
            Files.copy(Repo.path(file), copy.resolve(file));
        }
        ClassroomTest.copyTree(Repo.path("lib/src/main"), copy.resolve("lib/src/main"));
        Files.copy(Repo.path("lib/pom.xml"), copy.resolve("lib/pom.xml"));
        ClassroomTest.copyTree(Repo.path("notebooks/kernel-fix"), copy.resolve("notebooks/kernel-fix")); // the kernel jar's fixed class
        var lab = new HashMap<>(env);
        lab.put("ELKIT_REPO", copy.toString());

        var prefetch = ScriptRun.run("doctor", copy, lab, "--prefetch", "--only", "notebooks");
        assertThat(prefetch.exitCode()).as(prefetch.toString()).isZero();
        assertThat(prefetch.out()).containsPattern("\\[1/1\\] the notebooks' classpath and kernel jar \\(mvn .*\\) \\.\\.\\. ok");
        elkit.Scratch.delete(copy.resolve("notebooks/target"));

        var offline = ScriptRun.exec(List.of("mvn", "-o", "-q", "-B", "-pl", "notebooks", "-am", "package", "-DskipTests"), copy, lab);

        assertThat(offline.exitCode()).as(offline.toString()).isZero();
        assertThat(copy.resolve("notebooks/target/kernel/rapaio-jupyter-kernel.jar")).isRegularFile();
        try (var jars = Files.list(copy.resolve("notebooks/target/classpath"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.startsWith("sqlite-jdbc"));
        }
    }

}
