package elkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Large test files and their checksums, what Python's {@code os.urandom} and {@code hashlib} give
 * in two lines: a file of pseudo-random bytes (seeded, so every run sends the same bytes) and the
 * SHA-256 of a file, to prove that a transfer changed nothing.
 */
public final class BigFiles {
    private BigFiles() {}

    /** Writes {@code size} pseudo-random bytes to {@code file} and returns their SHA-256 in hex. */
    public static String writeRandom(Path file, long size) throws IOException {
        var digest = sha256Digest();
        var random = new Random(42);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                int length = (int) Math.min(block.length, size - written);
                digest.update(block, 0, length);
                out.write(block, 0, length);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of {@code file} in hex, read in a stream (any size). */
    public static String sha256(Path file) throws IOException {
        var digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
