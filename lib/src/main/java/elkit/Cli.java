package elkit;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a lesson the way a command-line tool should behave: on bad input it prints one line saying
 * what went wrong and exits non-zero, instead of a stack trace. {@code --verbose} shows the trace.
 */
public final class Cli {
    private Cli() {}

    /** The body of a lesson: the arguments without {@code --verbose}. */
    @FunctionalInterface
    public interface Lesson {
        void run(List<String> args) throws Exception;
    }

    /** An expected failure: its message is the whole story, printed as is. */
    public static final class Failure extends RuntimeException {
        private final int exitCode;

        public Failure(int exitCode, String message) {
            super(message); // the cause stays unset, so a caller may still give one with initCause
            this.exitCode = exitCode;
        }

        /** Keeps {@code cause} for the {@code --verbose} trace; the message alone is printed otherwise. */
        public Failure(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** A failure with exit code 1. Use it as {@code throw Cli.fail("...")}. */
    public static Failure fail(String format, Object... values) {
        return new Failure(1, String.format(format, values));
    }

    /** A failure with exit code 1 caused by {@code cause}, whose trace {@code --verbose} shows. */
    public static Failure fail(Throwable cause, String format, Object... values) {
        return new Failure(1, String.format(format, values), cause);
    }

    /** A failure with a chosen exit code. */
    public static Failure fail(int exitCode, String format, Object... values) {
        return new Failure(exitCode, String.format(format, values));
    }

    /** Prints a step of the lesson the way the chapter comments it: {@code # Create table}. */
    public static void step(String title) {
        System.out.println();
        System.out.println("# " + title);
    }

    /** Runs {@code lesson}; turns any exception into one line on stderr and a non-zero exit. */
    public static void run(String[] args, Lesson lesson) {
        printUtf8();
        var rest = new ArrayList<>(Arrays.asList(args));
        boolean verbose = rest.remove("--verbose");
        String program = programName();
        int exitCode = 0;
        try {
            lesson.run(List.copyOf(rest));
        } catch (Failure e) {
            System.out.flush();
            System.err.println(program + ": " + hideSecrets(e.getMessage()));
            if (verbose) e.printStackTrace();
            exitCode = e.exitCode();
        } catch (Exception | Error e) {
            System.out.flush();
            System.err.println(program + ": " + hideSecrets(oneLine(e))
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) e.printStackTrace();
            exitCode = 1;
        }
        System.out.flush();
        System.err.flush();
        if (exitCode != 0) System.exit(exitCode);
    }

    /**
     * Like Python 3, print UTF-8 even when the locale is POSIX (LANG=C, many containers and CI
     * machines): JDK 17 would print "Zoë" as "Zo?" there.
     */
    private static void printUtf8() {
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err)), true, StandardCharsets.UTF_8));
    }

    /**
     * Why {@code e} happened, in one line for an error message: its message with the root cause's,
     * or, for the JDK's exceptions that have none (a refused connection), what they mean.
     */
    public static String reason(Throwable e) {
        return oneLine(e);
    }

    /** The message of {@code e}, with the root cause's message when it adds something. */
    static String oneLine(Throwable e) {
        // a wrapper without a word of its own (IOException(null, cause)): the first cause that says something
        while (!hasMessage(e) && describe(e).equals(e.getClass().getSimpleName())
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        String message = describe(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root != e && (hasMessage(e) || hasMessage(root))) { // two exceptions without a word: the outer one says it
            String cause = describe(root);
            if (!message.contains(cause)) message += ": " + cause;
        }
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static boolean hasMessage(Throwable e) {
        return e.getMessage() != null && !e.getMessage().isBlank();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank()) return message;
        return switch (e.getClass().getName()) {
            case "java.net.ConnectException" -> "connection refused (nothing listens there)";
            case "java.net.UnknownHostException" -> "unknown host";
            case "java.net.SocketTimeoutException", "java.net.http.HttpTimeoutException" -> "timed out";
            case "java.nio.channels.ClosedChannelException", "java.io.EOFException" -> "the connection was closed";
            default -> e.getClass().getSimpleName();
        };
    }

    /** Replaces the value of every secret-looking environment variable with ****. */
    static String hideSecrets(String text) {
        return hideSecrets(text, System.getenv());
    }

    static String hideSecrets(String text, Map<String, String> env) {
        String result = text;
        for (var entry : env.entrySet()) {
            String value = entry.getValue();
            if (value != null && value.length() >= 3
                    && entry.getKey().matches(".*(PASSWORD|SECRET|TOKEN|_KEY|CONNECTION_STRING).*")) {
                result = result.replace(value, "****");
            }
        }
        return result;
    }

    /** {@code db_sqlite} (the script's class) becomes {@code db-sqlite} (the script's name). */
    private static String programName() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c != Cli.class)
                        .findFirst())
                .map(c -> c.getSimpleName().replace('_', '-'))
                .orElse("elkit");
    }
}
