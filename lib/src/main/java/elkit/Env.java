package elkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The environment contract: endpoints and credentials come from environment variables, never from
 * code. A missing required variable names itself; a secret is never printed.
 */
public final class Env {
    private Env() {}

    /** A required variable is not set. The message names it and says how to set it. */
    public static final class Missing extends IllegalStateException {
        Missing(String name, String hint) {
            super("environment variable " + name + " is not set"
                    + (hint == null || hint.isBlank() ? "" : " (" + hint + ")"));
        }
    }

    /** The value of {@code name}, or an error naming the variable. */
    public static String required(String name) {
        return required(System.getenv(), name, null);
    }

    /** The value of {@code name}, or an error naming the variable and showing how to set it. */
    public static String required(String name, String hint) {
        return required(System.getenv(), name, hint);
    }

    /** The value of {@code name} when it is set and not blank. */
    public static Optional<String> optional(String name) {
        return optional(System.getenv(), name);
    }

    /** The value of {@code name}, or {@code fallback} when it is unset or blank. */
    public static String get(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /** What to print for a secret: never the value, only whether it is there. */
    public static String masked(String value) {
        return value == null || value.isEmpty() ? "(not set)" : "****";
    }

    /**
     * Where lessons write their files: {@code $ELKIT_WORK}, else {@code work/} at the repository root
     * whichever folder of the repository a lesson runs from (root, scripts/, notebooks/), else
     * {@code ./work}. Created on demand.
     */
    public static Path workDir() {
        Path dir = optional("ELKIT_WORK").map(Path::of).orElseGet(() -> defaultWorkDir(Path.of("")));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work folder " + dir
                    + " (set ELKIT_WORK to a writable folder)", e);
        }
    }

    /** {@code work} under the nearest folder above {@code cwd} that holds jbang-catalog.json, relative to cwd. */
    static Path defaultWorkDir(Path cwd) {
        Path here = cwd.toAbsolutePath().normalize();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("scripts"))) {
                return here.relativize(dir.resolve("work"));
            }
        }
        return Path.of("work");
    }

    static String required(Map<String, String> env, String name, String hint) {
        return optional(env, name).orElseThrow(() -> new Missing(name, hint));
    }

    /** The value of {@code name} in {@code env} (a local server's, or this process's) when it is set and not blank. */
    public static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
