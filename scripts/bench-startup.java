///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Benchmark: how fast a warm lesson starts, ./jbang <lesson> timed N times (default 5), min/median/max next to a bare java -version.
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Bench;
import elkit.Charts;
import elkit.Cli;
import elkit.Scratch;
import elkit.Env;
import elkit.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Usage: bench-startup [runs] [--verbose]   (default 5)
 * Times {@code ./jbang <lesson>} warm, the way a learner runs it again and again, for the lessons that
 * need no server, and a bare {@code java -version} as the floor. Two more rows show what the launcher's
 * warm-start cache saves: db-sqlite without its class-data sharing archive, and db-sqlite through JBang
 * every time (an empty launch cache per run: what every run cost before the cache).
 * Each command runs once first (not timed) to fill the caches, then the runs go round-robin, so that a
 * change of load on a shared machine hits every command alike. Run it from the repository root.
 */
class bench_startup {

    static final List<String> LESSONS = List.of("db-sqlite", "files-csv", "files-json", "files-xml", "files-excel", "files-parquet");

    /** A timed command: what it is called in the table, what runs, the environment it adds. */
    record Case(String name, List<String> command, Map<String, String> env) {}

    static final Options OPTIONS = Options.usage("bench-startup [runs]")
            .argument("runs", "warm runs to time (default: 5)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_startup::bench));
    }

    static void bench(List<String> args) throws Exception {
        int runs = Bench.count("bench-startup", "runs", args, 5);
        Path launcher = Stream.of(Path.of("jbang"), Path.of("..", "jbang")).filter(Files::isExecutable).map(Path::toAbsolutePath).findFirst()
                .orElseThrow(() -> Cli.fail("no ./jbang launcher here: run it from the repository root (./jbang bench-startup)"));
        Path temp = Scratch.folder("bench-startup");
        try {
            String machine = Bench.machine();
            System.out.println(machine);
            System.out.printf(Locale.US, "Each command runs once untimed, then %d times round-robin; wall-clock seconds from start to exit%n", runs);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var cases = new ArrayList<Case>();
            cases.add(new Case("java -version (the floor)", List.of(java, "-version"), Map.of()));
            for (String lesson : LESSONS) {
                cases.add(new Case("./jbang " + lesson, List.of(launcher.toString(), lesson), Map.of()));
            }
            cases.add(new Case("./jbang db-sqlite, no AppCDS", List.of(launcher.toString(), "db-sqlite"),
                    Map.of("ELKIT_LAUNCH_CDS", "0")));
            cases.add(new Case("./jbang db-sqlite, through JBang", List.of(launcher.toString(), "db-sqlite"),
                    Map.of("ELKIT_LAUNCH_CDS", "0", "ELKIT_LAUNCH_CACHE", "")));

            // round-robin: run i of every case, then run i+1, so that a change of the machine's load hits all alike
            for (Case c : cases) run(c, temp);
            double[][] seconds = new double[cases.size()][runs];
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < cases.size(); k++) seconds[k][i] = run(cases.get(k), temp);
            }
            var results = new ArrayList<Map<String, Object>>();
            for (int k = 0; k < cases.size(); k++) {
                double[] sorted = seconds[k].clone();
                Arrays.sort(sorted);
                var row = new LinkedHashMap<String, Object>();
                row.put("command", cases.get(k).name());
                row.put("runs", runs);
                row.put("min s", String.format(Locale.US, "%.2f", sorted[0]));
                row.put("median s", String.format(Locale.US, "%.2f", median(sorted)));
                row.put("max s", String.format(Locale.US, "%.2f", sorted[runs - 1]));
                results.add(row);
            }
            Cli.step("Warm start, " + runs + " runs each (lower is better)");
            Table.print(results);
            System.out.println(Bench.machine().replaceFirst("\\. JVM:.*", "") + " (after the runs)");
            var bars = results.stream().map(r -> new Charts.Bar((String) r.get("command"), "Java", (String) r.get("median s"))).toList();
            System.out.println(Charts.draw(Env.workDir().resolve("bench"),
                    new Charts.Spec("bench-startup", "bench-startup: warm start, median of " + runs + " runs, seconds (lower is better)",
                            machine, "median s", bars, false)).line());
        } finally {
            Scratch.deleteQuietly(temp);
        }
    }

    /** Runs the case once in its own work folder; its wall-clock seconds. A failed run stops the benchmark. */
    static double run(Case c, Path temp) throws Exception {
        Path work = Files.createDirectories(temp.resolve("work"));
        var builder = new ProcessBuilder(c.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ELKIT_WORK", work.toString());
        for (var e : c.env().entrySet()) {
            // an empty ELKIT_LAUNCH_CACHE: a new, empty launch cache for this run
            String value = e.getValue().isEmpty() ? Files.createTempDirectory(temp, "launch").toString() : e.getValue();
            builder.environment().put(e.getKey(), value);
        }
        long started = System.nanoTime();
        int exit = builder.start().waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (exit != 0) throw Cli.fail("%s exited with %d (run it alone to see why)", c.name(), exit);
        return seconds;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
