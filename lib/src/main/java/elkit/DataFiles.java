package elkit;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

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
        return input(args.size() > index ? Path.of(args.get(index)) : sample(sampleName));
    }

    /** {@code file} as an input: a readable file, or one clear line saying what it is instead. */
    public static Path input(Path file) {
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
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw Cli.fail("output folder %s is a file: give a folder", folder);
        }
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            Path first = folder.toAbsolutePath().normalize(); // the folder that exists, where the creation failed
            while (first.getParent() != null && !Files.exists(first.getParent())) first = first.getParent();
            throw Cli.fail(e, "cannot create output folder %s: %s", folder, whyNot(e, first.getParent()));
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

    /**
     * A UTF-8 reader that skips a byte order mark, as Python's {@code encoding='utf-8-sig'} does.
     * Bytes that are not UTF-8 stop the reading with one line naming the file and what it looks like
     * instead ({@link #notUtf8}), not with the decoder's "Input length = 1".
     */
    public static BufferedReader reader(Path file) throws IOException {
        Reader utf8 = new FilterReader(Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (CharacterCodingException e) {
                    throw notUtf8(file, e);
                }
            }

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                try {
                    return super.read(buffer, offset, length);
                } catch (CharacterCodingException e) {
                    throw notUtf8(file, e);
                }
            }
        };
        BufferedReader reader = new BufferedReader(utf8);
        reader.mark(1);
        if (reader.read() != '\uFEFF') reader.reset();
        return reader;
    }

    /** Reads all lines of a UTF-8 text file; bytes that are not UTF-8 give one clear line ({@link #notUtf8}). */
    public static List<String> readLines(Path file) throws IOException {
        try (BufferedReader reader = reader(file)) {
            return reader.lines().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The failure for a file that is not UTF-8 text: which file, where the first bad byte is, and
     * what the file looks like instead when its first bytes tell (a zip or .xlsx, UTF-16, Parquet ...).
     */
    public static Cli.Failure notUtf8(Path file, Throwable cause) {
        byte[] head = new byte[0];
        long offset = -1;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
        } catch (IOException ignored) {
            // the decoder's error stays the reason
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            offset = firstBadUtf8Byte(in);
        } catch (IOException ignored) {
            // no offset then
        }
        String looks = looksLike(head);
        return Cli.fail(cause, "%s is not UTF-8 text%s; it looks like %s", file,
                offset >= 0 ? " (invalid byte at offset " + offset + ")" : "", looks);
    }

    /** What a file is, judged from its first bytes. */
    static String looksLike(byte[] head) {
        if (startsWith(head, 0x50, 0x4B, 0x03, 0x04)) return "a zip file (an .xlsx workbook is one)";
        if (startsWith(head, 0xD0, 0xCF, 0x11, 0xE0)) return "an Excel 97-2003 .xls file";
        if (startsWith(head, 0xFF, 0xFE) || startsWith(head, 0xFE, 0xFF)) {
            return "UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8";
        }
        if (startsWith(head, 'P', 'A', 'R', '1')) return "a Parquet file";
        if (startsWith(head, 0x1F, 0x8B)) return "a gzip file";
        if (startsWith(head, '%', 'P', 'D', 'F')) return "a PDF file";
        if (head.length >= 4 && (head[0] == 0 || head[1] == 0) && (head[2] == 0 || head[3] == 0)) {
            return "UTF-16 text without a byte order mark: save it as UTF-8";
        }
        return "binary data, or text in another encoding such as Latin-1: save it as UTF-8";
    }

    private static boolean startsWith(byte[] head, int... prefix) {
        if (head.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((head[i] & 0xFF) != prefix[i]) return false;
        return true;
    }

    /** The offset of the first byte that is not valid UTF-8, or -1. */
    static long firstBadUtf8Byte(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(8192);
        CharBuffer chars = CharBuffer.allocate(8192);
        long consumed = 0;
        boolean end = false;
        while (!end) {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            end = n < 0;
            if (n > 0) bytes.position(bytes.position() + n);
            bytes.flip();
            int before = bytes.position();
            CoderResult result = decoder.decode(bytes, chars, end);
            consumed += bytes.position() - before;
            if (result.isError()) return consumed;
            chars.clear();
            bytes.compact();
        }
        return -1;
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
        // an asynchronous writer (the S3 Transfer Manager's) can still touch its file after it has failed and
        // the finally below has deleted it: the JVM's exit deletes a temp file that came back
        temp.toFile().deleteOnExit();
        try {
            checkWritable(target, temp);
            try {
                writer.write(temp);
            } catch (Exception e) {
                // a file-system error names our temp file, but the user gave target: say it with theirs.
                // Anything else (a download cut off, a malformed input) is the caller's to explain.
                String reason = Cli.reason(e);
                if (!reason.contains(temp.getFileName().toString()) || !isFileSystemError(e)) throw e;
                throw Cli.fail(e, "cannot write %s: %s", target, reason.replace(temp.toString(), target.toString())
                        .replace(temp.getFileName().toString(), target.getFileName().toString()));
            }
            if (!Files.exists(temp)) throw new IOException("the writer did not create " + temp);
            if (Files.isDirectory(temp) && Files.exists(target)) {
                // a folder cannot be renamed over another: move the old one aside, then drop it
                Path old = folder.resolve("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                move(temp, target);
                Scratch.delete(old);
            } else {
                move(temp, target);
            }
            return target;
        } finally {
            Scratch.delete(temp);
        }
    }

    private static boolean isFileSystemError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException || t instanceof java.io.FileNotFoundException) return true;
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) return true;
        }
        return false;
    }

    /** Creates and deletes {@code temp}: a folder the user cannot write fails here, naming {@code target}. */
    static void checkWritable(Path target, Path temp) {
        try {
            Files.createFile(temp);
            Files.delete(temp);
        } catch (IOException e) {
            throw Cli.fail(e, "cannot write %s: %s", target, whyNot(e, temp.getParent()));
        }
    }

    /** Why a file or folder could not be created in {@code folder}, in words, without our temp names. */
    static String whyNot(IOException e, Path folder) {
        if (e instanceof AccessDeniedException) return "permission denied in folder " + folder;
        if (e instanceof NoSuchFileException) {
            return Files.isDirectory(folder) ? "folder " + folder + " does not take new files"
                    : "folder " + folder + " does not exist";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String why = fs.getReason();
            return why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1) + " (folder " + folder + ")";
        }
        return Cli.reason(e);
    }

    /** Whether {@code file} is UTF-8 text from start to end. */
    public static boolean isUtf8(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return firstBadUtf8Byte(in) < 0;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
