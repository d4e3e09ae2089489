package elkit.local;

import elkit.Scratch;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Azure Blob Storage endpoint on 127.0.0.1 for one run: Microsoft's emulator Azurite (npm
 * package {@code azurite}), blob service only, in memory, on a free port. The first use installs it
 * with npm into ELKit's cache ({@code ~/.cache/elkit/azurite-VERSION}, outside the repository); later
 * runs start it at once. It needs Node.js and npm on PATH; without them {@link #start()} throws
 * {@link Unavailable}, and the lesson says what to install.
 */
public final class LocalAzurite implements LocalServer {

    public static final String VERSION = "3.37.0";
    /** Azurite's account and key: the emulator's published development credentials, the same everywhere. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Pattern LISTENING = Pattern.compile("listens on (http://\\S+)");

    /** Azurite cannot run here: no Node.js or npm. The message says what is missing. */
    public static final class Unavailable extends IllegalStateException {
        Unavailable(String message) {
            super(message);
        }
    }

    private final Process process;
    private final String endpoint;

    private LocalAzurite(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Installs Azurite on first use, starts its blob service and prints one line saying so. */
    public static LocalAzurite start() {
        long started = System.nanoTime();
        Path node = onPath("node").orElseThrow(() -> new Unavailable("Node.js (node) is not on PATH"));
        Path main = install();
        try {
            // In memory and without telemetry; port 0: Azurite picks a free port and prints it
            var process = new ProcessBuilder(node.toString(), main.toString(),
                    "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--disableTelemetry")
                    .directory(home().toFile())
                    .redirectErrorStream(true)
                    .start();
            // If this JVM ends without close() (Ctrl-C, System.exit), Node must not outlive it
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "azurite-stop"));
            String endpoint = awaitEndpoint(process);
            var local = new LocalAzurite(process, endpoint);
            LocalServer.announce("AZURE_STORAGE_CONNECTION_STRING", "a local Azurite " + VERSION + " (blob service)",
                    endpoint.replace("http://", ""), started);
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local Azurite: " + e.getMessage(), e);
        }
    }

    /** Where Azurite is installed: {@code $XDG_CACHE_HOME/elkit} or {@code ~/.cache/elkit}, one folder per version. */
    public static Path home() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("elkit").resolve("azurite-" + VERSION);
    }

    /** The env-var contract pointing at this endpoint: AZURE_STORAGE_CONNECTION_STRING. */
    public Map<String, String> env() {
        var env = new LinkedHashMap<String, String>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", connectionString());
        return env;
    }

    /** A connection string in Azure's own format, for the emulator's account on this port. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    /** {@code http://127.0.0.1:PORT/devstoreaccount1}: Azurite puts the account in the path. */
    public String blobEndpoint() {
        return endpoint + "/" + ACCOUNT;
    }

    public int port() {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The blob service's main script, installing the package with npm the first time. */
    static Path install() {
        Path home = home();
        Path main = home.resolve("node_modules/azurite/dist/src/blob/main.js");
        if (Files.isRegularFile(main)) return main;
        Path npm = onPath("npm").orElseThrow(() -> new Unavailable("npm is not on PATH to install Azurite " + VERSION));
        System.out.println("[elkit] first use: installing Azurite " + VERSION + " with npm into " + home + " (once, about a minute)");
        Path staging = null;
        try {
            Files.createDirectories(home.getParent());
            // Into a fresh folder, then moved into place: an interrupted install leaves no half-installed Azurite
            staging = Files.createTempDirectory(home.getParent(), "azurite-" + VERSION + ".installing-");
            Path log = staging.resolve("npm.log");
            var npmRun = new ProcessBuilder(npm.toString(), "install", "--prefix", staging.toString(),
                    "--no-audit", "--no-fund", "--no-save", "--loglevel=error", "azurite@" + VERSION)
                    .directory(staging.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!npmRun.waitFor(10, TimeUnit.MINUTES)) {
                npmRun.destroyForcibly();
                throw new IllegalStateException("npm did not install Azurite " + VERSION + " within 10 minutes");
            }
            if (npmRun.exitValue() != 0 || !Files.isRegularFile(staging.resolve("node_modules/azurite/dist/src/blob/main.js"))) {
                throw new IllegalStateException("npm could not install Azurite " + VERSION + ": " + lastLine(log));
            }
            Files.delete(log);
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // another run installed it meanwhile: keep theirs
                if (!Files.isRegularFile(main)) throw e;
                Scratch.deleteQuietly(staging);
            }
            staging = null;
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("could not install Azurite into " + home + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Azurite", e);
        } finally {
            if (staging != null) Scratch.deleteQuietly(staging);
        }
    }

    /** Reads Azurite's output until it prints the address it listens on (at most 60 s). */
    private static String awaitEndpoint(Process process) {
        var output = new StringBuilder();
        var found = CompletableFuture.supplyAsync(() -> {
            // Not closed here: Azurite writes a line per request, and a closed pipe would stop it
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.append(line).append('\n');
                    var m = LISTENING.matcher(line);
                    if (m.find()) {
                        drain(reader);
                        return m.group(1);
                    }
                }
            } catch (IOException e) {
                // the process ended: reported below
            }
            return null;
        });
        try {
            String endpoint = found.get(60, TimeUnit.SECONDS);
            if (endpoint != null) return endpoint;
        } catch (TimeoutException | ExecutionException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        String last = output.toString().strip();
        throw new IllegalStateException("the local Azurite did not start within 60 s"
                + (last.isEmpty() ? "" : ": " + last.substring(last.lastIndexOf('\n') + 1)));
    }

    /** Keeps reading Azurite's output so that a full pipe never blocks it. */
    private static void drain(BufferedReader reader) {
        var t = new Thread(() -> {
            try {
                while (reader.readLine() != null) { /* discard */ }
            } catch (IOException ignored) {
                // stopped
            }
        }, "azurite-output");
        t.setDaemon(true);
        t.start();
    }

    /** The executable {@code name} in a PATH folder, as a shell would find it. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            return "no log";
        }
    }
}
