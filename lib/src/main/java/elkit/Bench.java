package elkit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks share: the same arguments ({@code [rows]}, {@code 1,000} and {@code 1_000}
 * alike, exit 2 on a bad one), the machine and the JVM they ran on, and the chapter's Python doing
 * the same work in the same run, so that figures on a loaded machine can be compared.
 * Helper file: {@link Cli}.
 */
public final class Bench {
    private Bench() {}

    /** The row count: {@code args[0]} when given, else {@code defaultRows}. Anything else is a usage error. */
    public static int rows(String name, List<String> args, int defaultRows) {
        return count(name, "rows", args, defaultRows);
    }

    /** A count named {@code what} ({@code rows}, {@code runs}) as the one optional argument. */
    public static int count(String name, String what, List<String> args, int defaultRows) {
        String usage = "usage: " + name + " [" + what + "] [--verbose]";
        if (args.size() > 1) throw Cli.fail(2, "%s   (one argument expected, got %d: %s)", usage, args.size(), String.join(" ", args));
        if (args.isEmpty()) return defaultRows;
        String given = args.get(0);
        try {
            int rows = Integer.parseInt(given.replace("_", "").replace(",", ""));
            if (rows < 1) throw Cli.fail(2, "%s   (%s must be at least 1, got %s)", usage, what, given);
            return rows;
        } catch (NumberFormatException e) {
            throw Cli.fail(2, "%s   ('%s' is not a whole number)", usage, given);
        }
    }

    /** One line: the machine (OS, cores, memory, load) and the JVM. */
    public static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        String memory = "";
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            memory = String.format(Locale.US, ", %.0f GiB RAM", sun.getTotalMemorySize() / (double) (1L << 30));
        }
        return String.format(Locale.US, "Machine: %s %s %s, %d cores%s, load average %.2f. JVM: %s %s, max heap %d MiB",
                os.getName(), os.getVersion(), os.getArch(), os.getAvailableProcessors(), memory,
                os.getSystemLoadAverage(), System.getProperty("java.vm.vendor"), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    /** What Python printed, or why it did not run. */
    public record PythonRun(List<String> lines, String problem) {
        public boolean ran() {
            return problem == null;
        }
    }

    /** Runs {@code program} with python3 (standard library only), arguments after it; its stdout lines. */
    public static PythonRun python(String program, String... args) {
        return pythonWith("python3", program, args);
    }

    /** {@link #python} with another interpreter, such as Debian's own {@code /usr/bin/python3} and its packages. */
    public static PythonRun pythonWith(String interpreter, String program, String... args) {
        var command = new ArrayList<>(List.of(interpreter, "-c", program));
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("elkit-python", ".txt");
            try {
                Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
                process.getOutputStream().close();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new PythonRun(List.of(), interpreter + " did not finish in 30 minutes");
                }
                if (process.exitValue() != 0) {
                    List<String> errors = Files.readAllLines(err);
                    return new PythonRun(List.of(), interpreter + " failed: "
                            + (errors.isEmpty() ? "exit " + process.exitValue() : errors.get(errors.size() - 1)));
                }
                return new PythonRun(out.lines().toList(), null);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new PythonRun(List.of(), interpreter + " not found, no Python figures (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PythonRun(List.of(), "interrupted");
        }
    }

    /** The balance of customer i in both benchmarks, in cents: (i % 1,000,000) / 100. */
    public static long cents(long i) {
        return i % 1_000_000;
    }

    /** The sum of the balances of customers 1..rows, in cents. */
    public static long expectedCents(long rows) {
        long cents = 0;
        for (long i = 1; i <= rows; i++) cents += cents(i);
        return cents;
    }

    /** Deletes {@code files} and says how much it freed, so a benchmark leaves nothing big behind. */
    public static void cleanUp(Path folder, List<Path> files) throws IOException {
        long bytes = 0;
        for (Path file : files) {
            if (Files.exists(file)) bytes += Files.size(file);
            Files.deleteIfExists(file);
        }
        System.out.printf(Locale.US, "Deleted the benchmark's files in %s (%.1f MB)%n", folder, bytes / 1e6);
    }
}
