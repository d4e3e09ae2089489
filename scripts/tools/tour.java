///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Is this lab machine ready? Runs every lesson against its local default: lesson, target, seconds, ok (./jbang tour [lesson ...])
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../../lib/src/main/java/elkit/Cli.java
//SOURCES ../../lib/src/main/java/elkit/Options.java
//SOURCES ../../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../../lib/src/main/java/elkit/Scratch.java
//SOURCES ../../lib/src/main/java/elkit/Lab.java
//SOURCES ../../lib/src/main/java/elkit/Progress.java

import elkit.Options;

import elkit.Cli;
import elkit.EnvContract;
import elkit.Lab;
import elkit.Progress;
import elkit.Scratch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Usage: tour [--timeout SECONDS] [lesson ...]
 * Runs each lesson of the catalog (or the ones named) through ./jbang, with the env-var contract
 * unset so that each one takes its local default, and prints one row per lesson. Exit 1 if any
 * lesson failed. A lesson that exits 2 says it cannot run here without setup (SQL Server without
 * MSSQL_URL): it is listed as "skip" with its reason and does not fail the tour.
 */
class tour {

    /** Where a lesson says it connected: a JDBC URL, an http(s) URL or a 127.0.0.1 address, as it printed it. */
    static final Pattern TARGET = Pattern.compile("((?<![\\w-])jdbc:[a-z0-9]+:[^\\s?;]+|https?://[^\\s)]+|\\b127\\.0\\.0\\.1:\\d+)");

    record Row(String lesson, String target, double seconds, String ok, String reason) {}

    static final Options OPTIONS = Options.usage("tour [lesson ...]")
            .argument("lesson", "the lessons to run (default: every lesson of the catalog)")
            .option("--timeout SECONDS", "time limit of each lesson (default: 300)")
            .env("ELKIT_REPO");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(tour::tour));
    }


    static void tour(List<String> args) throws Exception {
        var rest = new ArrayList<>(args);
        String seconds = Options.value(rest, "--timeout", "300");
        if (!seconds.matches("[1-9]\\d*")) throw Cli.fail(2, "--timeout needs a whole number of seconds");
        int timeout = Integer.parseInt(seconds);
        Path root = Lab.root();
        var aliases = Lab.aliases(root);
        var lessons = new ArrayList<Lab.Alias>();
        if (rest.isEmpty()) {
            aliases.values().stream().filter(Lab.Alias::isLesson).forEach(lessons::add);
        } else {
            for (String name : rest) {
                var alias = aliases.get(name);
                if (alias == null || !alias.isLesson()) {
                    throw Cli.fail(2, "%s is not a lesson of jbang-catalog.json (lessons: %s)", name,
                            String.join(", ", aliases.values().stream().filter(Lab.Alias::isLesson).map(Lab.Alias::name).toList()));
                }
                lessons.add(alias);
            }
        }

        Path work = Scratch.folder("tour");
        var rows = new ArrayList<Row>();
        try {
            var env = new HashMap<String, String>();
            EnvContract.targetVariables().forEach(name -> env.put(name, null)); // every lesson starts its local server
            System.out.printf("Touring %d lessons with their local defaults (time limit %d s each)%n%n", lessons.size(), timeout);
            System.out.printf("%-16s %-44s %8s  %s%n", "lesson", "target", "seconds", "ok");
            for (var lesson : lessons) {
                env.put("ELKIT_WORK", Files.createDirectories(work.resolve(lesson.name())).toString());
                Lab.Outcome outcome;
                // on a terminal only: which lesson of how many, and its clock, cleared before the lesson's row is printed
                try (var progress = Progress.start(String.format("lesson %d of %d: %s", rows.size() + 1, lessons.size(), lesson.name()), 0)) {
                    outcome = Lab.exec(List.of(root.resolve("jbang").toString(), lesson.name()), root, env, Duration.ofSeconds(timeout));
                }
                var row = row(lesson.name(), outcome, timeout);
                rows.add(row);
                System.out.printf(Locale.US, "%-16s %-44s %8.1f  %s%n", row.lesson(), row.target(), row.seconds(),
                        row.ok() + (row.reason().isEmpty() ? "" : "   " + row.reason()));
            }
        } finally {
            Scratch.delete(work);
        }
        long failed = rows.stream().filter(r -> r.ok().equals("FAIL")).count();
        long skipped = rows.stream().filter(r -> r.ok().equals("skip")).count();
        System.out.printf("%n%d lesson(s): %d ok, %d failed, %d skipped (they need setup this machine lacks)%n",
                rows.size(), rows.size() - failed - skipped, failed, skipped);
        if (failed > 0) throw Cli.fail("%d of %d lessons failed: run each with ./jbang <lesson> to see why", failed, rows.size());
    }

    static Row row(String lesson, Lab.Outcome outcome, int timeout) {
        double seconds = outcome.took().toMillis() / 1000.0;
        // what the lesson printed, without JBang's own lines ("[jbang] Resolving ...sqlite-jdbc:3.54.1.0")
        String printed = String.join("\n", outcome.output().lines().filter(l -> !l.startsWith("[jbang]")).toList());
        Matcher m = TARGET.matcher(printed);
        String target = m.find() ? m.group(1) : "embedded / local files";
        if (target.length() > 44) target = target.substring(0, 41) + "...";
        if (outcome.timedOut()) return new Row(lesson, target, seconds, "FAIL", "stopped after " + timeout + " s");
        if (outcome.exitCode() == 0) return new Row(lesson, target, seconds, "yes", "");
        if (outcome.exitCode() == 2) return new Row(lesson, "-", seconds, "skip", outcome.lastLine());
        return new Row(lesson, target, seconds, "FAIL", outcome.lastLine());
    }
}
