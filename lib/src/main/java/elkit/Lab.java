//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
package elkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the lab tools (classroom, doctor, tour) share: the ELKit checkout they work on, its catalog
 * of aliases, and running a command in a process of its own with a time limit.
 * Helper file: {@link Cli}.
 */
public final class Lab {
    private Lab() {}

    /** An alias of jbang-catalog.json. */
    public record Alias(String name, String scriptRef, String description) {
        /**
         * A lesson is where it lives: a script at the top of {@code scripts/} that is not a benchmark
         * ({@code bench-*}). Tools live in {@code scripts/tools/}. The description plays no part, so
         * rewording it cannot drop a lesson.
         */
        public boolean isLesson() {
            return LESSON.matcher(scriptRef).matches() && !name.startsWith("bench-");
        }
    }

    /** {@code scripts/NAME.java}, directly in scripts/ (not in a subfolder). */
    static final Pattern LESSON = Pattern.compile("scripts/[^/]+\\.java");

    /** The ELKit checkout: ELKIT_REPO, else the folder with jbang-catalog.json at or above the current one. */
    public static Path root() {
        String configured = System.getenv("ELKIT_REPO");
        Path start = Path.of(configured != null ? configured : "").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isRegularFile(dir.resolve("jbang"))) return dir;
        }
        throw Cli.fail("no ELKit checkout at or above %s: run it from the repository, or set ELKIT_REPO", start);
    }

    /** Every alias of the catalog, in its order. */
    public static Map<String, Alias> aliases(Path root) throws IOException {
        var aliases = new LinkedHashMap<String, Alias>();
        new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).path("aliases").properties().forEach(a ->
                aliases.put(a.getKey(), new Alias(a.getKey(), a.getValue().path("script-ref").asText(),
                        a.getValue().path("description").asText())));
        return aliases;
    }

    /** How a command ended: its exit code (-1: stopped at the time limit), what it printed (both streams) and how long it took. */
    public record Outcome(int exitCode, String output, Duration took) {
        public boolean timedOut() {
            return exitCode == -1;
        }

        /** The last non-blank line it printed: on failure, the lesson's one-line reason. */
        public String lastLine() {
            String last = output.strip().lines().reduce((a, b) -> b).orElse("").strip();
            return last.length() > 200 ? last.substring(0, 197) + "..." : last;
        }
    }

    /** Runs {@code command} in {@code dir}, with {@code env} on top of this process's (a null value unsets), within {@code limit}. */
    public static Outcome exec(List<String> command, Path dir, Map<String, String> env, Duration limit) throws IOException, InterruptedException {
        File log = File.createTempFile("elkit-lab", ".log");
        try {
            var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log);
            env.forEach((name, value) -> {
                if (value == null) builder.environment().remove(name);
                else builder.environment().put(name, value);
            });
            long start = System.nanoTime();
            Process process = builder.start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            var took = Duration.ofNanos(System.nanoTime() - start);
            return new Outcome(ended ? process.exitValue() : -1, Files.readString(log.toPath(), StandardCharsets.UTF_8), took);
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }
}
