package elkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.Stream;

/**
 * Throwaway things for one run, in one place: a temp folder of our own, deleting a folder whole,
 * and a random secret (a local server's password or key) that is never the same twice.
 */
public final class Scratch {
    private Scratch() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a JVM that is stopped first (Ctrl-C, SIGTERM) does as it ends: the last registered first, then the folders. */
    private static final Deque<Runnable> AT_EXIT = new ConcurrentLinkedDeque<>();
    private static final Set<Path> FOLDERS = ConcurrentHashMap.newKeySet();

    static {
        // One shutdown hook, in order. The JVM runs its hooks all at once: a folder deleted by one while another
        // still stops the server that writes there made Kafka halt the JVM on a vanished log folder
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Scratch::exit, "elkit: stop, then delete the scratch folders"));
        } catch (IllegalStateException alreadyExiting) {
            // first used while the JVM ends: nothing of ours to stop or delete yet
        }
    }

    /**
     * Runs {@code action} as the JVM ends, before the scratch folders are deleted; the last registered runs first,
     * as try-with-resources closes. Returns it, for {@link #cancelAtExit} once it has run by itself.
     */
    public static Runnable atExit(Runnable action) {
        AT_EXIT.push(action);
        return action;
    }

    /** Forgets an {@link #atExit} action (its server was closed the normal way). */
    public static void cancelAtExit(Runnable action) {
        AT_EXIT.remove(action);
    }

    private static void exit() {
        for (Runnable action; (action = AT_EXIT.poll()) != null; ) {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                System.err.println("[elkit] while stopping: " + e);
            }
        }
        FOLDERS.forEach(Scratch::deleteQuietly);
    }

    /**
     * A new folder in the temp folder, named {@code elkit-<name>-...}; delete it with {@link #delete}. A JVM that is
     * stopped first (Ctrl-C, a test's time limit) deletes it as it ends, so no run leaves one behind.
     */
    public static Path folder(String name) {
        try {
            Path folder = Files.createTempDirectory("elkit-" + name + "-");
            FOLDERS.add(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder for " + name + " in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code path} and everything under it; nothing there is fine, a file that stays is an error. */
    public static void delete(Path path) throws IOException {
        if (path != null) FOLDERS.remove(path);
        if (path == null || !Files.exists(path)) return;
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Like {@link #delete}, for clean-up paths (a close, a failed start): what cannot go stays, silently. */
    public static void deleteQuietly(Path path) {
        if (path != null) FOLDERS.remove(path);
        // a few passes: a server process that is still ending (MariaDB removing its socket and pid file) can
        // write into the folder during a pass, and then its folder, empty a moment later, stayed in /tmp
        for (int pass = 0; pass < 5 && path != null && Files.exists(path); pass++) {
            if (pass > 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try (Stream<Path> all = Files.walk(path)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // best effort: another process may still hold a file
            }
        }
    }

    /** {@code bytes} random bytes as lower-case hex: a password, a key, a token. */
    public static String secret(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
