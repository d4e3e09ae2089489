package elkit.tests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The chapter's pages, exercises and data, as the tests find them. */
public final class Chapter {
    private Chapter() {}

    /** The orders file the chapter's lessons upload and load. */
    public static final Path ORDERS = Repo.path("chapters/05-extract-load/data/orders.csv");

    /** Every Markdown page under chapters/. */
    public static List<Path> pages() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.path("chapters"))) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** The exercises' starters (not their solutions). */
    public static List<Path> exercises() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path("chapters/05-extract-load/exercises"))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
