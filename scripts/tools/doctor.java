///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Lab check: JDK, Maven or JBang, Node for Azurite, Jupyter and the Java kernel, one line each with its fix; --prefetch fetches everything the lessons need, for offline use
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../../lib/src/main/java/elkit/Cli.java
//SOURCES ../../lib/src/main/java/elkit/Options.java
//SOURCES ../../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../../lib/src/main/java/elkit/Lab.java
//SOURCES ../../lib/src/main/java/elkit/Progress.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Sandbox.java

import elkit.Options;

import elkit.Cli;
import elkit.EnvContract;
import elkit.Lab;
import elkit.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Usage: doctor [--strict] [--prefetch [--only NAME,...]]
 * Checks what a lab machine needs and prints one line per item, with the fix for what is missing.
 * Exit 1 when the lessons cannot run at all (no JDK 17+, neither Maven nor JBang); with --strict,
 * when anything is missing. --prefetch then fetches what the lessons, exercises and notebooks need
 * (each alias's dependencies, the database binaries, Azurite, the notebooks' classpath), so that
 * they run with the network off. --only limits it to the steps named (alias, exercise, sandbox:SERVICE,
 * azurite, notebooks).
 */
class doctor {

    static final String AZURITE = "azurite@3.37.0";
    static final String NOTEBOOKS_BUILD = "mvn -q -B -pl notebooks -am package -DskipTests";

    record Item(String name, boolean ok, boolean needed, String detail) {}

    static final Options OPTIONS = Options.usage("doctor")
            .option("--strict", "exit 1 when anything is missing")
            .option("--prefetch", "then fetch what the lessons need, for offline use")
            .option("--only NAME,...", "with --prefetch: only these steps")
            .env("ELKIT_REPO", "ELKIT_JBANG_CACHE");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(doctor::doctor));
    }


    static void doctor(List<String> args) throws Exception {
        var rest = new ArrayList<>(args);
        boolean strict = Options.flag(rest, "--strict");
        boolean prefetch = Options.flag(rest, "--prefetch");
        String onlyNames = Options.value(rest, "--only", null);
        List<String> only = onlyNames == null ? null
                : Arrays.stream(onlyNames.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!rest.isEmpty()) throw Cli.fail(2, "unknown argument %s; usage: doctor [--strict] [--prefetch [--only NAME,...]]", rest.get(0));
        Path root = Lab.root();

        var items = checks(root);
        System.out.println("ELKit lab check (" + root + ")");
        for (var item : items) {
            System.out.printf("%-8s %-19s %s%n", item.ok() ? "ok" : "MISSING", item.name(), item.detail());
        }
        boolean lessonsCanRun = items.stream().filter(Item::needed).allMatch(Item::ok);
        long missing = items.stream().filter(i -> !i.ok()).count();
        System.out.println(missing == 0 ? "Everything is in place."
                : missing + " missing: the lines above say what each is for and how to fix it.");

        if (prefetch) prefetch(root, only);
        if (!lessonsCanRun) throw Cli.fail("this machine cannot run the lessons yet: install what the MISSING lines above name");
        if (strict && missing > 0) throw Cli.fail("%d items missing (--strict)", missing);
    }

    // ---- the checks ----

    static List<Item> checks(Path root) throws Exception {
        var items = new ArrayList<Item>();
        int feature = Runtime.version().feature();
        boolean javac = ToolProvider.getSystemJavaCompiler() != null;
        String home = System.getProperty("java.home");
        items.add(new Item("JDK 17+", feature >= 17 && javac, true, feature >= 17 && javac
                ? "Java " + System.getProperty("java.version") + " with javac, at " + home
                : "Java " + System.getProperty("java.version") + (javac ? "" : " without javac") + " at " + home
                        + ". Fix: install a JDK 17 or newer (Debian: sudo apt-get install openjdk-17-jdk) and set JAVA_HOME"));

        var mvn = version(root, List.of("mvn", "-v"), "Apache Maven ([\\d.]+)");
        var jbang = installedJbang(root);
        String launcherVersion = launcherJbangVersion(root);
        boolean fetched = Files.isRegularFile(jbangCache(launcherVersion).resolve("classpath.txt"));
        items.add(new Item("Maven", mvn.isPresent(), false, mvn.map(v -> "Maven " + v + " (the notebooks' classpath, and ./jbang's first run)")
                .orElse("not found. Fix: install Maven 3.8+ (Debian: sudo apt-get install maven); the notebooks need it, and ./jbang needs it unless JBang is installed")));
        boolean anyJbang = jbang.isPresent() || fetched || mvn.isPresent();
        items.add(new Item("JBang", anyJbang, true, jbang.map(v -> "JBang " + v + " on PATH")
                .orElse(fetched ? "JBang " + launcherVersion + ", fetched by ./jbang into " + jbangCache(launcherVersion)
                        : mvn.isPresent() ? "not fetched yet: ./jbang fetches JBang " + launcherVersion + " with Maven on its first run"
                        : "neither JBang nor Maven. Fix: install Maven (sudo apt-get install maven) or JBang (https://www.jbang.dev/download)")));

        var node = version(root, List.of("node", "--version"), "v(\\d+[.\\d]*)");
        var npm = version(root, List.of("npm", "--version"), "(\\d+[.\\d]*)");
        boolean nodeOk = node.isPresent() && Integer.parseInt(node.get().split("\\.")[0]) >= 18 && npm.isPresent();
        items.add(new Item("Node for Azurite", nodeOk, false, nodeOk
                ? "Node " + node.get() + ", npm " + npm.get() + " (Azurite, the Azure lesson's local server)"
                : (node.isEmpty() ? "no node" : "Node " + node.get() + (npm.isEmpty() ? " without npm" : " (too old: 18+ needed)"))
                        + ": the Azure lesson's local Azurite needs Node 18+ and npm. Fix: sudo apt-get install nodejs npm"));

        var jupyter = version(root, List.of("jupyter", "nbconvert", "--version"), "(\\d+[.\\d]*)");
        items.add(new Item("Jupyter", jupyter.isPresent(), false, jupyter.map(v -> "nbconvert " + v + " (the notebooks)")
                .orElse("not found: the notebooks need it. Fix: sudo apt-get install jupyter-core jupyter-client python3-nbclient"
                        + " jupyter-nbconvert python3-nbformat python3-ipykernel")));
        boolean classpath = Files.isDirectory(root.resolve("notebooks/target/classpath"))
                && Files.isRegularFile(root.resolve("notebooks/target/kernel/rapaio-jupyter-kernel.jar"));
        items.add(new Item("notebook classpath", classpath, false, classpath ? "notebooks/target/classpath and the kernel jar are built"
                : "not built. Fix: " + NOTEBOOKS_BUILD + " (or ./jbang doctor --prefetch)"));
        var kernels = run(root, List.of("jupyter", "kernelspec", "list"), Duration.ofSeconds(30));
        boolean kernel = kernels.exitCode() == 0 && kernels.output().contains("rapaio");
        items.add(new Item("Java kernel", kernel, false, kernel ? "rapaio-jupyter-kernel is installed in Jupyter"
                : "rapaio-jupyter-kernel is not installed in Jupyter. Fix: " + NOTEBOOKS_BUILD
                        + " && java -jar notebooks/target/kernel/rapaio-jupyter-kernel.jar -i -auto"));
        var sandbox = elkit.classroom.Sandbox.unavailable();
        items.add(new Item("grading sandbox", sandbox.isEmpty(), false, sandbox.isEmpty()
                ? "bubblewrap works here: classroom grade runs each student's file in a sandbox"
                : sandbox.get() + ". Fix: " + elkit.classroom.Sandbox.INSTALL + " (else classroom grade needs --no-sandbox)"));
        return items;
    }

    /** The version a command prints, or empty when it is not there or fails. */
    static Optional<String> version(Path root, List<String> command, String pattern) throws Exception {
        var outcome = run(root, command, Duration.ofSeconds(60));
        if (outcome.exitCode() != 0) return Optional.empty();
        Matcher m = Pattern.compile(pattern).matcher(outcome.output());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static Lab.Outcome run(Path root, List<String> command, Duration limit) throws Exception {
        try {
            return Lab.exec(command, root, Map.of(), limit);
        } catch (IOException notFound) {
            return new Lab.Outcome(127, notFound.getMessage(), Duration.ZERO);
        }
    }

    /** A jbang on PATH that is not a copy of ELKit's launcher. */
    static Optional<String> installedJbang(Path root) throws Exception {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "jbang");
            if (Files.isExecutable(candidate) && !Files.readString(candidate, StandardCharsets.ISO_8859_1).contains("ELKit's JBang launcher")) {
                return version(root, List.of(candidate.toString(), "--version"), "(\\d+[.\\d]*)");
            }
        }
        return Optional.empty();
    }

    static String launcherJbangVersion(Path root) throws IOException {
        Matcher m = Pattern.compile("(?m)^JBANG_VERSION=(\\S+)").matcher(Files.readString(root.resolve("jbang")));
        return m.find() ? m.group(1) : "?";
    }

    /** Where ./jbang keeps the JBang it fetched (the launcher's own rule). */
    static Path jbangCache(String version) {
        String configured = System.getenv("ELKIT_JBANG_CACHE");
        if (configured != null) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("elkit").resolve("jbang-" + version);
    }

    // ---- prefetch ----

    record Step(String name, String label, List<String> command, Duration limit, String readyLine) {}

    static void prefetch(Path root, List<String> only) throws Exception {
        var steps = new ArrayList<Step>();
        String jbang = root.resolve("jbang").toString();
        for (var alias : Lab.aliases(root).values()) {
            steps.add(new Step(alias.name(), "dependencies of " + alias.name(), List.of(jbang, "build", alias.name()), Duration.ofMinutes(20), null));
        }
        // the Kafka Connect plugins a lesson installs into its workers' plugin.path (connect-cluster): resolved, never run
        Path plugins = root.resolve("scripts/connect-plugins");
        try (Stream<Path> files = Files.isDirectory(plugins) ? Files.list(plugins) : Stream.empty()) {
            for (Path plugin : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = "plugin:" + plugin.getFileName().toString().replaceFirst("\\.java$", "");
                steps.add(new Step(name, "the Connect plugin " + root.relativize(plugin),
                        List.of(jbang, "info", "classpath", root.relativize(plugin).toString()), Duration.ofMinutes(20), null));
            }
        }
        Path exercises = root.resolve("chapters/05-extract-load/exercises");
        try (Stream<Path> files = Files.isDirectory(exercises) ? Files.list(exercises) : Stream.empty()) {
            for (Path exercise : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = exercise.getFileName().toString().replaceFirst("\\.java$", "");
                steps.add(new Step(name, "dependencies of exercise " + name,
                        List.of(jbang, "build", root.relativize(exercise).toString()), Duration.ofMinutes(10), null));
            }
        }
        // each local server once: first starts unpack the database binaries and install Azurite where the lessons look
        boolean sandboxes = only == null || only.stream().anyMatch(name -> name.startsWith("sandbox:"));
        for (String service : sandboxes ? EnvContract.services().keySet() : List.<String>of()) {
            steps.add(new Step("sandbox:" + service, "first start of the local " + service + " server (sandbox " + service + ")",
                    List.of(jbang, "sandbox", service), Duration.ofMinutes(10), "# Stop it with Ctrl-C."));
        }
        steps.add(new Step("azurite", "the Azurite package (" + AZURITE + ") into npm's cache", List.of("npm", "cache", "add", AZURITE), Duration.ofMinutes(10), null));
        steps.add(new Step("notebooks", "the notebooks' classpath and kernel jar (" + NOTEBOOKS_BUILD + ")",
                List.of("mvn", "-q", "-B", "-pl", "notebooks", "-am", "package", "-DskipTests"), Duration.ofMinutes(20), null));
        if (only != null) {
            var known = steps.stream().map(Step::name).toList();
            for (String name : only) {
                if (!known.contains(name)) throw Cli.fail(2, "--only %s: no such prefetch step (steps: %s)", name, String.join(", ", known));
            }
            steps.removeIf(s -> !only.contains(s.name()));
        }

        System.out.println();
        System.out.println("Prefetching " + steps.size() + " items, so the lessons run offline afterwards:");
        var failed = new ArrayList<String>(); // "step: its cause", one each
        int n = 0;
        boolean bar = Progress.onTerminal(); // on a terminal: the step's bar and clock while it runs, then its whole line
        for (var step : steps) {
            String head = String.format("[%d/%d] %s ... ", ++n, steps.size(), step.label());
            if (!bar) System.out.print(head); // elsewhere (logs, tests, CI): the line as it always was
            System.out.flush();
            long start = System.nanoTime();
            String problem;
            try (var progress = Progress.start(head.substring(0, head.length() - 5), 0)) {
                problem = step.readyLine() == null ? runStep(root, step) : startAndStop(root, step);
            }
            if (bar) System.out.print(head);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (problem == null) {
                System.out.printf(Locale.US, "ok (%.1f s)%n", seconds);
            } else {
                System.out.printf(Locale.US, "FAILED (%.1f s): %s%n", seconds, problem);
                failed.add(step.name() + ": " + problem);
            }
        }
        if (!failed.isEmpty()) {
            // the cause each step gave, and the network only where that is what a step says
            boolean network = failed.stream().anyMatch(f -> NETWORK.matcher(f).find());
            throw Cli.fail("prefetch failed for %d of %d items: %s%s", failed.size(), steps.size(), String.join("; ", failed),
                    network ? " (the network is needed once for these)" : "");
        }
        System.out.println("Prefetched. The lessons now run offline (jbang --offline, mvn -o).");
    }

    /** What a failed step says when the network is what it lacked: Maven's, JBang's and npm's words for it. */
    static final Pattern NETWORK = Pattern.compile("(?i)could not transfer|unknown ?host|connection (refused|reset|timed out)"
            + "|connect timed out|no route to host|network is unreachable|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|offline");

    /** A terminal's colour codes (Maven prints them even with -B at the end of its output). */
    static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    /** The last line a failed command printed that says why: JBang's closing "Run with --verbose ..." hint says nothing. */
    static String cause(Lab.Outcome outcome) {
        var lines = outcome.output().strip().lines().map(l -> ANSI.matcher(l).replaceAll("").strip())
                .filter(l -> !l.isEmpty() && !l.startsWith("[jbang] Run with --verbose")).toList();
        // Maven ends with its advice ("re-run Maven with the -e switch", "mvn <args> -rf ..."): its cause is the
        // first "[ERROR] Failed to execute goal ..." line
        var maven = lines.stream().filter(l -> l.startsWith("[ERROR] Failed to execute goal")
                || l.startsWith("[ERROR] Failed to execute") || l.startsWith("[ERROR] Could not")).findFirst();
        if (maven.isPresent()) lines = List.of(maven.get().substring("[ERROR] ".length()));
        String last = lines.isEmpty() ? "it ended with exit code " + outcome.exitCode() + " and said nothing" : lines.get(lines.size() - 1);
        return last.length() > 300 ? last.substring(0, 297) + "..." : last;
    }

    static String runStep(Path root, Step step) throws Exception {
        var outcome = run(root, step.command(), step.limit());
        if (outcome.exitCode() == 127 && outcome.took().isZero()) return step.command().get(0) + " is not installed";
        if (outcome.timedOut()) return "still running after " + step.limit().toMinutes() + " min";
        return outcome.exitCode() == 0 ? null : cause(outcome);
    }

    /** Starts a foreground server, waits for the line that says it is up, then stops it (SIGTERM: it shuts down cleanly). */
    static String startAndStop(Path root, Step step) throws Exception {
        Path log = Files.createTempFile("elkit-doctor", ".log");
        try {
            Process process = new ProcessBuilder(step.command()).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + step.limit().toNanos();
            while (System.nanoTime() < deadline && process.isAlive() && !Files.readString(log).contains(step.readyLine())) {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            boolean ready = Files.readString(log).contains(step.readyLine());
            process.destroy();
            // a server that is stopping deletes its data folder: killed before it ends, it would leave it in the temp folder
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            if (ready) return null;
            String last = Files.readString(log).strip().lines().reduce((a, b) -> b).orElse("").strip();
            return last.isEmpty() ? "it did not start" : last;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
