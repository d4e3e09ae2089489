///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Starts a lesson's local server in the foreground, prints its export lines, stops on Ctrl-C: ./jbang sandbox <service>
//SOURCES ../lib/src/main/java/elkit/Cli.java

import elkit.Cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Usage: sandbox <service>
 * Starts the same local server a lesson starts when its env vars are unset, and prints the
 * {@code export} lines that point a lesson, a notebook or any other client at it.
 */
class sandbox {

    /** A running server and the env vars (the contract in README.md) that reach it. */
    record Started(AutoCloseable server, Map<String, String> env) {}

    static final List<String> SERVICES = List.of();

    public static void main(String[] args) {
        Cli.run(args, sandbox::serve);
    }

    static void serve(List<String> args) throws Exception {
        if (args.size() != 1) {
            throw Cli.fail(2, "usage: sandbox <service>   (services: %s)", String.join(", ", SERVICES));
        }
        String service = args.get(0);
        Started started = switch (service) {
            // one case per service, e.g.
            // case "postgres" -> { var pg = LocalPostgres.start(); yield new Started(pg, pg.env()); }
            default -> throw Cli.fail(2, "unknown service '%s' (services: %s)", service, String.join(", ", SERVICES));
        };

        System.out.println("# " + service + " is running on 127.0.0.1. Paste these lines into another terminal:");
        new TreeMap<>(started.env()).forEach((name, value) -> System.out.println("export " + name + "=" + quote(value)));
        System.out.println("# Stop it with Ctrl-C.");
        System.out.flush();

        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.server().close();
                System.err.println("[sandbox] " + service + " stopped");
            } catch (Exception e) {
                System.err.println("[sandbox] stopping " + service + " failed: " + e.getMessage());
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    /** Single quotes keep a value with ; or & (a JDBC URL, a connection string) intact in a shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
