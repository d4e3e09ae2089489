package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's warm-start cache: {@code ./jbang <script>} keeps the java command JBang printed and
 * runs it directly while nothing it depends on changed. Small scripts of its own in a temp folder, a
 * cold JBang cache and a launch cache of their own; {@code ELKIT_LAUNCH_TRACE} says hit or miss.
 */
class JbangCacheTest {

    @TempDir
    static Path home;

    static Path scripts;

    @BeforeAll
    static void scripts() throws IOException {
        scripts = Files.createDirectories(home.resolve("scripts"));
        Files.createDirectories(scripts.resolve("lib"));
        // hello.java sources lib/Greeting.java, which sources Name.java next to it: followed recursively
        write("hello.java", """
                //SOURCES lib/Greeting.java
                class hello {
                    public static void main(String[] args) {
                        System.out.println(Greeting.text() + " " + String.join("|", args));
                    }
                }
                """);
        write("lib/Greeting.java", """
                //SOURCES Name.java
                class Greeting {
                    static String text() { return "Hello, " + Name.name() + "! v1"; }
                }
                """);
        write("lib/Name.java", """
                class Name {
                    static String name() { return "Ada"; }
                }
                """);
        write("other.java", """
                class other {
                    public static void main(String[] args) { System.out.println("other " + args.length); }
                }
                """);
        // JBang fetched (on a fresh machine) before any test starts two launchers at once
        var version = run("setup", "--version");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out() + version.err()).contains("0.132.1");
    }

    static void write(String name, String text) throws IOException {
        Files.writeString(scripts.resolve(name), text);
    }

    /** A launcher run with its own JBang cache and launch cache, from the scripts' folder. */
    static ScriptRun run(String cacheName, String... args) {
        var env = new HashMap<String, String>();
        env.put("JBANG_DIR", home.resolve("jbang-" + cacheName).toString());
        env.put("ELKIT_LAUNCH_CACHE", home.resolve("launch-" + cacheName).toString());
        env.put("ELKIT_LAUNCH_TRACE", "1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        env.put("JAVA_TOOL_OPTIONS", null);
        var command = new java.util.ArrayList<String>();
        command.add(Repo.path("jbang").toString());
        command.addAll(List.of(args));
        return ScriptRun.exec(command, scripts, env);
    }

    static String trace(ScriptRun run) {
        return run.err().lines().filter(line -> line.startsWith("[elkit] launch cache: ")).findFirst()
                .map(line -> line.substring("[elkit] launch cache: ".length())).orElse("(no trace)");
    }

    @Test
    void anEditToTheScriptOrToAFileItSourcesIsPickedUpOnTheNextRun() throws IOException {
        var first = run("edits", "hello.java", "a b", "c");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).isEqualTo("Hello, Ada! v1 a b|c\n");
        assertThat(trace(first)).isEqualTo("miss (no entry)");

        var warm = run("edits", "hello.java", "x");
        assertThat(trace(warm)).as(warm.toString()).isEqualTo("hit");
        assertThat(warm.out()).isEqualTo("Hello, Ada! v1 x\n");

        write("lib/Name.java", "class Name { static String name() { return \"Grace\"; } }\n"); // sourced by a sourced file
        var afterLibEdit = run("edits", "hello.java");
        assertThat(trace(afterLibEdit)).as(afterLibEdit.toString()).isEqualTo("miss (no entry)");
        assertThat(afterLibEdit.out()).isEqualTo("Hello, Grace! v1 \n");

        write("hello.java", Files.readString(scripts.resolve("hello.java")).replace("\" \" +", "\" (edited) \" +"));
        var afterScriptEdit = run("edits", "hello.java", "z");
        assertThat(trace(afterScriptEdit)).isEqualTo("miss (no entry)");
        assertThat(afterScriptEdit.out()).isEqualTo("Hello, Grace! v1 (edited) z\n");
        assertThat(trace(run("edits", "hello.java"))).isEqualTo("hit");
    }

    @Test
    void aCorruptOrStaleEntryFallsBackToJBang() throws IOException {
        assertThat(run("stale", "other.java").exitCode()).isZero();
        assertThat(trace(run("stale", "other.java"))).isEqualTo("hit");

        for (Path entry : entries("stale")) Files.writeString(entry, "elkit-launch v1\n\0\0garbage");
        var corrupt = run("stale", "other.java", "1");
        assertThat(trace(corrupt)).as(corrupt.toString()).isEqualTo("miss (corrupt entry)");
        assertThat(corrupt.out()).isEqualTo("other 1\n");

        // the jar the entry names is rebuilt by JBang behind the launcher's back
        Path jar = jar("stale", "other.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0));
        var stale = run("stale", "other.java", "1", "2");
        assertThat(trace(stale)).as(stale.toString()).isEqualTo("miss (stale entry)");
        assertThat(stale.out()).isEqualTo("other 2\n");
        assertThat(trace(run("stale", "other.java"))).isEqualTo("hit");
    }

    @Test
    void twoLessonsRunAtTheSameTimeDoNotCorruptTheCache() {
        for (int round = 0; round < 3; round++) {
            var hello = CompletableFuture.supplyAsync(() -> run("parallel", "hello.java", "h"));
            var other = CompletableFuture.supplyAsync(() -> run("parallel", "other.java", "o", "o"));
            assertThat(hello.join().out()).as(hello.join().toString()).startsWith("Hello, ").endsWith(" h\n");
            assertThat(other.join().out()).as(other.join().toString()).isEqualTo("other 2\n");
        }
        assertThat(trace(run("parallel", "hello.java"))).isEqualTo("hit");
        assertThat(trace(run("parallel", "other.java"))).isEqualTo("hit");
    }

    @Test
    void twoFirstRunsOfTheSameLessonAtOnceBothSucceed() {
        // a cold JBang cache: both would build the same jar; the lock makes the second wait and reuse it
        var one = CompletableFuture.supplyAsync(() -> run("first", "other.java", "1"));
        var two = CompletableFuture.supplyAsync(() -> run("first", "other.java", "1", "2"));

        assertThat(one.join().exitCode()).as(one.join().toString()).isZero();
        assertThat(two.join().exitCode()).as(two.join().toString()).isZero();
        assertThat(one.join().out()).isEqualTo("other 1\n");
        assertThat(two.join().out()).isEqualTo("other 2\n");
        assertThat(one.join().err() + two.join().err()).doesNotContain("ERROR");
    }

    @Test
    void aBrokenCachedBuildIsRebuiltOnceWithFreshAndSaysSo() throws IOException {
        assertThat(run("broken", "other.java").exitCode()).isZero();
        // what a race left here once: JBang's jar without Main-Class in its manifest
        Path jar = jar("broken", "other.jar");
        withoutMainClass(jar);
        try (var broken = new JarFile(jar.toFile())) {
            assertThat(broken.getManifest().getMainAttributes().getValue("Main-Class")).isNull();
        }

        var healed = run("broken", "other.java", "x");

        assertThat(healed.exitCode()).as(healed.toString()).isZero();
        assertThat(healed.out()).isEqualTo("other 1\n");
        assertThat(healed.err()).doesNotContain("[ERROR]");
        // JBang's progress lines ([jbang] Building jar ...) pass through; the launcher adds one line
        assertThat(healed.err().lines().filter(line -> line.startsWith("[elkit] JBang")).toList())
                .as(healed.toString())
                .containsExactly("[elkit] JBang's cached build of other.java was broken (no main class deduced):"
                        + " rebuilding it once with --fresh");
        try (var rebuilt = new JarFile(jar("broken", "other.jar").toFile())) {
            assertThat(rebuilt.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("other");
        }
        var next = run("broken", "other.java");
        assertThat(trace(next)).isEqualTo("hit");
        assertThat(next.err()).doesNotContain("broken");
    }

    static List<Path> entries(String cacheName) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("launch-" + cacheName))) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9a-f]{32}")).toList();
        }
    }

    static Path jar(String cacheName, String name) throws IOException {
        try (Stream<Path> files = Files.walk(home.resolve("jbang-" + cacheName).resolve("cache/jars"))) {
            return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
        }
    }

    /** Rewrites the jar with a manifest that names no main class. */
    static void withoutMainClass(Path jar) throws IOException {
        Path copy = jar.resolveSibling("copy.zip");
        try (InputStream in = Files.newInputStream(jar); var zipIn = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(copy); var zipOut = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = zipIn.getNextEntry()) != null; ) {
                zipOut.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("META-INF/MANIFEST.MF")) {
                    zipOut.write(("Manifest-Version: 1.0\r\nBuild-Jdk: " + Runtime.version().feature()
                            + "\r\nCreated-By: a race\r\n\r\n").getBytes());
                } else {
                    zipIn.transferTo(zipOut);
                }
                zipOut.closeEntry();
            }
        }
        Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
