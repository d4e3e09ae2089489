package elkit.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths in the repository, wherever Maven runs the tests from. */
public final class Repo {
    private Repo() {}

    public static Path root() {
        String configured = System.getProperty("elkit.repo");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("jbang-catalog.json"))) return dir;
        }
        throw new IllegalStateException("no jbang-catalog.json above " + start);
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every script: the lessons and benchmarks in scripts/*.java, then the tools in scripts/tools/*.java, sorted.
     * Not the Kafka Connect plugins in scripts/connect-plugins/: each is a dependency list that a lesson asks
     * JBang to resolve for a worker's plugin.path ({@link #connectPlugins()}), never run.
     */
    public static List<Path> scripts() {
        try (Stream<Path> files = Files.walk(path("scripts"), 2)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(p -> !p.getParent().endsWith("connect-plugins")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Kafka Connect plugins' dependency lists, scripts/connect-plugins/*.java. */
    public static List<Path> connectPlugins() {
        try (Stream<Path> files = Files.list(path("scripts/connect-plugins"))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The script's name without .java: {@code db-sqlite}. */
    public static String scriptName(Path script) {
        return script.getFileName().toString().replaceFirst("\\.java$", "");
    }

    /** The class a script declares: {@code db-sqlite.java} declares {@code db_sqlite}. */
    public static String scriptClass(String scriptName) {
        return scriptName.replace('-', '_');
    }
}
