package elkit.tests.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script as its user would, in its own JVM: real arguments, real environment variables,
 * real exit code and the two output streams apart. The classpath is the one Maven built for the
 * tests, where the scripts were compiled alongside.
 */
public record ScriptRun(int exitCode, String out, String err) {

    public static final Duration TIMEOUT = Duration.ofMinutes(3);

    /**
     * The JIT and GC of every JVM a test starts (JAVA_TOOL_OPTIONS, so JBang's, JShell's, a kernel's and a lesson's own
     * children's too): the client compiler alone and one GC thread. A test run is hundreds of short JVMs on 2 cores,
     * where the optimising compiler's threads cost more CPU than they win back: a JShell walkthrough of the Kafka
     * lesson took 39 s of CPU without these and 19 s with them, for the same output. What a JVM prints is the same;
     * the benchmarks' figures are measured by hand with ./jbang bench-*, which runs without them.
     */
    public static final String TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** The JAVA_TOOL_OPTIONS a run gets: {@link #TEST_JVM_OPTIONS}, then what the test itself sets, if anything. */
    public static String javaToolOptions(Map<String, String> env) {
        String own = env.get("JAVA_TOOL_OPTIONS");
        return own == null || own.isBlank() ? TEST_JVM_OPTIONS : TEST_JVM_OPTIONS + " " + own;
    }

    /** Every JVM says "Picked up JAVA_TOOL_OPTIONS: ..." on stderr as it starts: not the script's output, so not kept. */
    public static String withoutPickedUp(String text, String options) {
        String line = "Picked up JAVA_TOOL_OPTIONS: " + options + "\n";
        return text.contains(line) ? text.replace(line, "") : text;
    }

    public static ScriptRun run(String script, Path workDir, Map<String, String> env, String... args) {
        return runOn(Path.of(System.getProperty("java.home")), script, workDir, env, args);
    }

    /** {@link #run} with a time limit of its own (a grade run over a whole class). */
    public static ScriptRun run(Duration limit, String script, Path workDir, Map<String, String> env, String... args) {
        return runWithin(limit, Path.of(System.getProperty("java.home")), script, workDir, env, args);
    }

    /** {@link #run} on the JDK in {@code javaHome}, with the script's //RUNTIME_OPTIONS, as JBang runs it. */
    public static ScriptRun runOn(Path javaHome, String script, Path workDir, Map<String, String> env, String... args) {
        return runWithin(TIMEOUT, javaHome, script, workDir, env, args);
    }

    static ScriptRun runWithin(Duration timeout, Path javaHome, String script, Path workDir, Map<String, String> env, String... args) {
        var command = new ArrayList<String>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(runtimeOptions(script));
        // A temp folder of the run's own, removed when it ends: a child JVM that a test kills (or a timeout) cannot
        // leave sqlite-jdbc's native library, a MariaDB or a Kafka folder in the machine's /tmp. A test that sets
        // java.io.tmpdir itself (JAVA_TOOL_OPTIONS) to look at what is left there keeps its own.
        Path tmp = null;
        if (!String.valueOf(env.get("JAVA_TOOL_OPTIONS")).contains("java.io.tmpdir")) {
            try {
                tmp = Files.createTempDirectory("elkit-run-");
            } catch (IOException e) {
                throw new AssertionError("cannot make a temp folder for " + script, e);
            }
            command.add("-Djava.io.tmpdir=" + tmp);
            command.add("-Dorg.sqlite.tmpdir=" + tmp);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Repo.scriptClass(script));
        command.addAll(List.of(args));
        try {
            return exec(command, workDir, env, timeout);
        } finally {
            deleteRecursively(tmp);
        }
    }

    static void deleteRecursively(Path folder) {
        elkit.Scratch.deleteQuietly(folder); // removed as far as it goes
    }

    /** The options JBang passes to java for {@code script}: its //RUNTIME_OPTIONS (or //JAVA_OPTIONS) lines. */
    public static List<String> runtimeOptions(String script) {
        Path file = Repo.path("scripts/" + script + ".java");
        if (!Files.exists(file)) file = Repo.path("scripts/tools/" + script + ".java");
        if (!Files.exists(file)) return List.of();
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("//RUNTIME_OPTIONS ") || line.startsWith("//JAVA_OPTIONS "))
                    .flatMap(line -> Arrays.stream(line.substring(line.indexOf(' ')).strip().split("\\s+")))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    public static ScriptRun exec(List<String> command, Path workDir, Map<String, String> env) {
        return exec(command, workDir, env, TIMEOUT);
    }

    /** {@link #exec} for a run known to take longer than {@link #TIMEOUT}. */
    public static ScriptRun exec(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
        File out = null;
        File err = null;
        try {
            Files.createDirectories(workDir);
            out = Files.createTempFile("elkit-out", ".txt").toFile();
            err = Files.createTempFile("elkit-err", ".txt").toFile();
            var builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out).redirectError(err);
            builder.environment().put("ELKIT_WORK", workDir.resolve("work").toString());
            env.forEach((name, value) -> {
                if (value == null) builder.environment().remove(name); // null: unset it
                else builder.environment().put(name, value);
            });
            String options = javaToolOptions(env);
            builder.environment().put("JAVA_TOOL_OPTIONS", options);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                // SIGTERM first: the script's shutdown hooks stop its servers and delete its temp folders
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                throw new AssertionError(command.get(command.size() - 1) + " did not end within " + timeout);
            }
            return new ScriptRun(process.exitValue(),
                    withoutPickedUp(Files.readString(out.toPath(), StandardCharsets.UTF_8), options),
                    withoutPickedUp(Files.readString(err.toPath(), StandardCharsets.UTF_8), options));
        } catch (IOException e) {
            throw new AssertionError("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (out != null) out.delete(); // a run past its time limit too: no elkit-out/err file stays in /tmp
            if (err != null) err.delete();
        }
    }

    /** For assertion messages: everything the run printed. */
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
