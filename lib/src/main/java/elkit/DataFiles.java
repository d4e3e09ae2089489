package elkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the files lessons need around the format libraries: where the sample data is, an input
 * path that exists (or one clear line saying it does not), and writes that never leave a half
 * written file behind (write a temp file beside the target, then move it into place).
 * Helper files: {@link Cli} and {@link Env}.
 */
public final class DataFiles {
    private DataFiles() {}

    /** The sample data folder, seen from the repository root, from scripts/ or from notebooks/. */
    static final String SAMPLES = "chapters/05-extract-load/data/files";

    /** Writes the output to {@code temp}, a path beside the target that does not exist yet. */
    @FunctionalInterface
    public interface Writer {
        void write(Path temp) throws Exception;
    }

    /** The sample file {@code name}, found from the current folder or its parent. */
    public static Path sample(String name) {
        return sample(Path.of(""), name);
    }

    static Path sample(Path cwd, String name) {
        for (Path base : List.of(cwd, cwd.resolve(".."))) {
            Path candidate = base.resolve(SAMPLES).resolve(name).normalize();
            if (Files.exists(candidate)) return candidate;
        }
        throw Cli.fail("sample file %s not found: run from the repository root or from scripts/ (or give a path)",
                SAMPLES + "/" + name);
    }

    /** {@code args[index]} when given, else the sample file: in both cases a readable file, or a clear error. */
    public static Path input(List<String> args, int index, String sampleName) {
        Path file = args.size() > index ? Path.of(args.get(index)) : sample(sampleName);
        if (!Files.exists(file)) throw Cli.fail("input file %s does not exist", file);
        if (Files.isDirectory(file)) throw Cli.fail("input %s is a folder, not a file", file);
        if (!Files.isReadable(file)) throw Cli.fail("input file %s cannot be read (permissions)", file);
        return file;
    }

    /** {@code args[index]} when given, else {@code name} in the work folder; its folder must exist. */
    public static Path output(List<String> args, int index, String name) {
        Path file = args.size() > index ? Path.of(args.get(index)) : Env.workDir().resolve(name);
        if (Files.isDirectory(file)) throw Cli.fail("output %s is a folder: give a file name", file);
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) throw Cli.fail("cannot write %s: folder %s does not exist", file, folder);
        return file;
    }

    /** A folder for outputs: {@code args[index]} when given, else the work folder. Created if missing. */
    public static Path outputFolder(List<String> args, int index) {
        if (args.size() <= index) return Env.workDir();
        Path folder = Path.of(args.get(index));
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw Cli.fail("cannot create output folder %s: %s", folder, e.getMessage());
        }
    }

    /**
     * {@code folder/name} for a name that came from elsewhere (a remote file name, an archive entry),
     * refused with one clear line when it would lead outside {@code folder}, as {@code ../../etc/x} would.
     */
    public static Path insideFolder(Path folder, String name) {
        Path base = folder.toAbsolutePath().normalize();
        Path target = base.resolve(name).normalize();
        if (name.isBlank() || !target.startsWith(base) || target.equals(base)) {
            throw Cli.fail("remote file name %s would be written outside the local folder %s: refused", name, folder);
        }
        return folder.resolve(base.relativize(target));
    }

    /** A UTF-8 reader that skips a byte order mark, as Python's {@code encoding='utf-8-sig'} does. */
    public static BufferedReader reader(Path file) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        reader.mark(1);
        if (reader.read() != '\uFEFF') reader.reset();
        return reader;
    }

    /**
     * Writes {@code target} all or nothing: {@code writer} fills a temp path in the same folder, which
     * is then renamed to {@code target}. If the writer fails, the temp path is deleted and an existing
     * {@code target} is left as it was. Works for a file and for a folder (a partitioned dataset).
     */
    public static Path writeAtomically(Path target, Writer writer) throws Exception {
        Path folder = target.toAbsolutePath().getParent();
        Path temp = folder.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            writer.write(temp);
            if (!Files.exists(temp)) throw new IOException("the writer did not create " + temp);
            if (Files.isDirectory(temp) && Files.exists(target)) {
                // a folder cannot be renamed over another: move the old one aside, then drop it
                Path old = folder.resolve("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                move(temp, target);
                deleteRecursively(old);
            } else {
                move(temp, target);
            }
            return target;
        } finally {
            deleteRecursively(temp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
