package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Catalog;
import elkit.tests.support.Chapter;
import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user runs is what the tests run: for every alias, every exercise and its solution, the artifacts
 * that JBang resolves from the script's own //DEPS and //SOURCES ({@code ./jbang info classpath}: no build,
 * no run) must be on this test JVM's classpath at the same version. A BOM that a dependency's POM imports
 * manages versions for a whole JBang script (DESIGN.md), which Maven's classpath for the tests never shows.
 * Also: at most one SLF4J provider per script, or SLF4J warns on every start.
 */
class ClasspathParityTest {

    /** JBang runs at a time: each is a JVM that mostly waits on its POMs. */
    static final int THREADS = 3;

    @TempDir
    static Path temp;

    /** The local Maven repository the tests' jars come from; JBang is pointed at the same one. */
    static Path repository;

    /** groupId:artifactId[:classifier] -> version, of the jars on this JVM's classpath. */
    static Map<String, String> tested;

    /** Each script (alias or file) -> the outcome of {@code ./jbang info classpath} for it. */
    static final Map<String, Resolved> resolved = new LinkedHashMap<>();

    static long took;

    record Resolved(ScriptRun run, List<Path> classpath) {}

    @BeforeAll
    static void resolveEveryScript() throws Exception {
        repository = Path.of(System.getProperty("elkit.m2", System.getProperty("user.home") + "/.m2/repository"))
                .toAbsolutePath().normalize();
        tested = coordinates(Stream.of(System.getProperty("java.class.path").split(":")).map(Path::of).toList(), repository);
        assertThat(tested).as("jars of the tests' classpath under " + repository).containsKey("org.junit.jupiter:junit-jupiter-api");

        var scripts = new ArrayList<String>();
        Catalog.aliases().fieldNames().forEachRemaining(scripts::add);
        for (Path exercise : Chapter.exercises()) {
            scripts.add(Repo.root().relativize(exercise).toString());
            scripts.add(Repo.root().relativize(exercise.resolveSibling("solutions").resolve(exercise.getFileName())).toString());
        }
        // JBang fetched once (on a fresh machine) before three launchers start at once
        var version = ScriptRun.exec(List.of(Repo.path("jbang").toString(), "--version"), temp, env("setup"));
        assertThat(version.exitCode()).as(version.toString()).isZero();

        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            var futures = new LinkedHashMap<String, Future<Resolved>>();
            for (String script : scripts) futures.put(script, pool.submit(() -> infoClasspath(script)));
            for (var entry : futures.entrySet()) resolved.put(entry.getKey(), entry.getValue().get());
        } finally {
            pool.shutdownNow();
        }
        took = System.nanoTime() - start;
    }

    @AfterAll
    static void report() {
        System.out.printf("[parity] %d scripts resolved by ./jbang info classpath in %.1f s (%d at a time)%n",
                resolved.size(), took / 1e9, THREADS);
    }

    /** The launcher's environment for one script: an empty JBang cache of its own, the tests' Maven repository. */
    static Map<String, String> env(String name) {
        var env = new HashMap<String, String>();
        env.put("JBANG_DIR", temp.resolve("jbang-" + name.replaceAll("[^A-Za-z0-9.-]", "_")).toString());
        env.put("JBANG_REPO", repository.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        return env;
    }

    static Resolved infoClasspath(String script) {
        ScriptRun run;
        try {
            run = ScriptRun.exec(List.of(Repo.path("jbang").toString(), "info", "classpath", script), Repo.root(), env(script));
        } catch (AssertionError notEnded) { // one script's failure is its own test's, not every script's
            run = new ScriptRun(-1, "", notEnded.getMessage() + "\n");
        }
        var classpath = run.exitCode() != 0 ? List.<Path>of()
                : Stream.of(run.out().strip().split(":")).filter(s -> !s.isEmpty()).map(Path::of).toList();
        return new Resolved(run, classpath);
    }

    /**
     * groupId:artifactId[:classifier] -> version, read from where each jar lies in the Maven repository:
     * {@code <repository>/org/apache/kafka/kafka-raft/4.4.0/kafka-raft-4.4.0.jar}. Jars elsewhere are left out.
     */
    static Map<String, String> coordinates(List<Path> jars, Path repository) {
        var coordinates = new TreeMap<String, String>();
        for (Path jar : jars) {
            Path path = jar.toAbsolutePath().normalize();
            if (!path.startsWith(repository) || !path.toString().endsWith(".jar")) continue;
            Path relative = repository.relativize(path);
            int n = relative.getNameCount();
            if (n < 4) continue;
            String file = relative.getFileName().toString();
            String version = relative.getName(n - 2).toString();
            String artifact = relative.getName(n - 3).toString();
            String group = relative.subpath(0, n - 3).toString().replace('/', '.');
            String prefix = artifact + "-" + version;
            String classifier = file.startsWith(prefix + "-") ? file.substring(prefix.length() + 1, file.length() - ".jar".length()) : "";
            coordinates.put(group + ":" + artifact + (classifier.isEmpty() ? "" : ":" + classifier), version);
        }
        return coordinates;
    }

    /** Jars that are an SLF4J provider: 2.x's service file, or 1.x's static binder. */
    static List<String> slf4jProviders(List<Path> jars) {
        var providers = new ArrayList<String>();
        for (Path jar : jars) {
            if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) continue;
            try (var zip = new ZipFile(jar.toFile())) {
                if (zip.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null
                        || zip.getEntry("org/slf4j/impl/StaticLoggerBinder.class") != null) {
                    providers.add(jar.getFileName().toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jar, e);
            }
        }
        return providers;
    }

    @TestFactory
    Stream<DynamicTest> jbangResolvesTheVersionsTheTestsRunWith() {
        return resolved.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            String script = entry.getKey();
            var run = entry.getValue().run();
            assertThat(run.exitCode()).as("./jbang info classpath " + script + "\n" + run).isZero();
            var jars = entry.getValue().classpath();
            assertThat(jars).as("./jbang info classpath " + script + "\n" + run).isNotEmpty(); // its own jar, at least
            var mine = coordinates(jars, repository);

            var differences = new ArrayList<String>();
            mine.forEach((artifact, version) -> {
                String testedVersion = tested.get(artifact);
                if (testedVersion == null) {
                    differences.add(script + ": " + artifact + " " + version + " is not on the tests' classpath");
                } else if (!testedVersion.equals(version)) {
                    differences.add(script + ": " + artifact + " JBang resolves " + version + ", the tests run with " + testedVersion);
                }
            });
            for (Path jar : jars) {
                if (jar.toString().endsWith(".jar") && !jar.startsWith(repository) && !jar.startsWith(temp)) {
                    differences.add(script + ": " + jar + " is neither in the Maven repository nor the script's own jar");
                }
            }
            assertThat(differences).as("what JBang resolves for " + script + " against the tests' classpath").isEmpty();
            assertThat(slf4jProviders(jars)).as(script + ": SLF4J providers (more than one: SLF4J warns on every start)").hasSizeLessThanOrEqualTo(1);
        }));
    }
}
