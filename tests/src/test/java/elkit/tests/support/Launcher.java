package elkit.tests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** What the tests that run {@code ./jbang} share: the env they give it, and the JDKs they run it on. */
public final class Launcher {
    private Launcher() {}

    /** Variables of the env-var contract: removed, so every lesson takes its no-setup path. */
    public static final List<String> CONTRACT = Stream.concat(elkit.EnvContract.targetVariables().stream(),
            Stream.of("JBANG_DIR", "JAVA_TOOL_OPTIONS")).toList();

    /** The PATH without any folder that holds a {@code jbang}: the launcher must bootstrap its own. */
    public static String withoutJbang(String path) {
        var kept = new StringBuilder();
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || Files.exists(Path.of(dir, "jbang"))) continue;
            if (kept.length() > 0) kept.append(':');
            kept.append(dir);
        }
        return kept.toString();
    }

    /** A JDK 25 (or later) beside the default one: ELKIT_JDK25, else the Temurin 25 under /usr/lib/jvm. */
    public static Path jdk25() {
        String configured = System.getenv("ELKIT_JDK25");
        Path home = configured != null ? Path.of(configured) : null;
        if (home == null) {
            try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
                home = jdks.filter(p -> p.getFileName().toString().matches(".*-2[5-9]-.*|.*-2[5-9]")).sorted().findFirst().orElse(null);
            } catch (IOException e) {
                home = null;
            }
        }
        boolean found = home != null && Files.isExecutable(home.resolve("bin/java"));
        String reason = "no JDK 25 here (set ELKIT_JDK25 to one): the JDK 25 warning check is skipped";
        if (!found && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true, but " + reason);
        Assumptions.assumeTrue(found, reason);
        return home;
    }

    private static Path jbangDir;

    private static synchronized Path jbangDirOfThisJvm() throws IOException {
        if (jbangDir == null) {
            jbangDir = Files.createTempDirectory("elkit-jshell-jbang");
            Path made = jbangDir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> elkit.Scratch.deleteQuietly(made)));
        }
        return jbangDir;
    }

    /**
     * The env of a JShell run: no contract variable, so each lesson takes its local-server path; lessons write under
     * {@code work}; a temp folder of our own in TMPDIR.
     */
    public static Map<String, String> jshellEnv(Path work) throws IOException {
        var env = new HashMap<String, String>();
        CONTRACT.forEach(name -> env.put(name, null));
        // one JBang cache for the runs of this test JVM: the scripts' jars are built once and shared by its runs,
        // and no other test JVM (they run two at a time) builds the same jar in it at the same moment
        env.put("JBANG_DIR", jbangDirOfThisJvm().toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("ELKIT_WORK", Files.createDirectories(work.resolve("work")).toString());
        env.put("TMPDIR", Files.createDirectories(work.resolve("tmp")).toString());
        return env;
    }
}
