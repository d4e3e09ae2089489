///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Classroom: hand the exercises out without solutions (handout OUT_DIR), grade a class with the teacher's grader (grade SUBMISSIONS_DIR)
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../../lib/src/main/java/elkit/Cli.java
//SOURCES ../../lib/src/main/java/elkit/Options.java
//SOURCES ../../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../../lib/src/main/java/elkit/Lab.java
//SOURCES ../../lib/src/main/java/elkit/Progress.java
//SOURCES ../../lib/src/main/java/elkit/Scratch.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Exercise.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Checks.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Grader.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Gradebook.java
//SOURCES ../../lib/src/main/java/elkit/classroom/GradingHarness.java
//SOURCES ../../lib/src/main/java/elkit/classroom/Sandbox.java

import elkit.Progress;
import elkit.Scratch;
import elkit.Cli;
import elkit.Options;
import elkit.Lab;
import elkit.classroom.Exercise;
import elkit.classroom.Gradebook;
import elkit.classroom.Gradebook.Result;
import elkit.classroom.Grader;
import elkit.classroom.Sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The classroom commands: handout (the student pack) and grade (a class). Grading one file is
 * elkit.classroom.Grader; the gradebook and feedback, elkit.classroom.Gradebook; the grading JVM's main,
 * elkit.classroom.GradingHarness; an exercise and its maximum, Exercise and Checks.
 * Exercises are every chapters/05-extract-load/exercises/*.java with the grading line; see that README.
 */
class classroom {

    static final String USAGE = "usage: classroom handout OUT_DIR | classroom grade SUBMISSIONS_DIR [--timeout SECONDS] [--jobs N] [--no-sandbox]";
    static final Options OPTIONS = Options.usage("classroom handout OUT_DIR | classroom grade SUBMISSIONS_DIR")
            .argument("OUT_DIR", "handout: a folder that does not exist yet, or an empty one; the student pack goes there (no solutions)")
            .argument("SUBMISSIONS_DIR", "grade: one folder per student, holding their exercise files; gradebook.csv is written there")
            .option("--timeout SECONDS", "grade: seconds each file may run (default 120)")
            .option("--jobs N", "grade: files graded at a time (default 1)")
            .option("--no-sandbox", "grade: run the students' code with your own rights, where no sandbox can run (a warning each run)")
            .env("ELKIT_REPO", "ELKIT_BWRAP");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(classroom::command));
    }

    static void command(List<String> args) throws Exception {
        if (args.isEmpty()) throw Cli.fail(2, USAGE);
        var rest = new ArrayList<>(args.subList(1, args.size()));
        switch (args.get(0)) {
            case "handout" -> {
                noUnknownOption(rest);
                if (rest.size() != 1) throw Cli.fail(2, USAGE);
                handout(repo(), Path.of(rest.get(0)));
            }
            case "grade" -> {
                int timeout = intOption(rest, "--timeout", 120);
                int jobs = intOption(rest, "--jobs", 1);
                boolean sandboxed = !rest.remove("--no-sandbox");
                noUnknownOption(rest);
                if (rest.size() != 1) throw Cli.fail(2, USAGE);
                grade(repo(), Path.of(rest.get(0)), timeout, jobs, sandboxed);
            }
            default -> throw Cli.fail(2, "unknown command %s; %s", args.get(0), USAGE);
        }
    }

    static void noUnknownOption(List<String> rest) {
        for (String arg : rest) if (arg.startsWith("-")) throw Cli.fail(2, "unknown option %s; %s", arg, USAGE);
    }

    static int intOption(List<String> args, String name, int fallback) {
        String value = Options.value(args, name, null);
        if (value == null) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw Cli.fail(2, "%s %s: give a whole number of 1 or more", name, value);
        }
    }

    /** The ELKit checkout whose exercises and graders are used. */
    static Path repo() {
        Path root = Lab.root();
        if (!Files.isDirectory(root.resolve(Exercise.FOLDER))) throw Cli.fail("no %s in %s", Exercise.FOLDER, root);
        return root;
    }

    // ---- handout ----

    static final Pattern SOURCES = Pattern.compile("(?m)^//SOURCES\\s+(\\S+)\\s*$");
    /** "Chapter page 01-database-drivers.md", "page 03-apis.md": a chapter page an exercise cites. */
    static final Pattern PAGE = Pattern.compile("\\bpage (\\d\\d-[a-z0-9-]+\\.md)\\b");
    static final String CHAPTER = "chapters/05-extract-load";
    /** Where the cited chapter pages go in the pack. */
    static final String PAGES = "chapter";

    static void handout(Path repo, Path out) throws Exception {
        if (Files.exists(out) && !(Files.isDirectory(out) && Grader.isEmpty(out))) {
            throw Cli.fail("%s already exists and is not an empty folder: give a new folder for the pack", out);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) throw Cli.fail("cannot write the pack to %s: folder %s does not exist", out, parent);
        var exercises = Exercise.all(repo);
        // the pack is built beside OUT_DIR, then moved into place: never half a pack
        Path temp = Files.createTempDirectory(parent, "." + out.getFileName() + "-");
        try {
            Path lib = repo.resolve("lib/src/main/java");
            boolean usesData = false;
            var pages = new LinkedHashSet<String>();
            var readme = new StringBuilder();
            for (var exercise : exercises) {
                String text = Files.readString(exercise.file());
                var sourced = new StringBuilder();
                Matcher m = SOURCES.matcher(text);
                while (m.find()) {
                    Path helper = exercise.file().getParent().resolve(m.group(1)).normalize();
                    if (!helper.startsWith(lib)) throw Cli.fail("%s: //SOURCES %s is outside lib/", exercise.fileName(), m.group(1));
                    String inPack = "lib/" + lib.relativize(helper).toString().replace(File.separatorChar, '/');
                    Path target = temp.resolve(inPack);
                    Files.createDirectories(target.getParent());
                    Files.copy(helper, target, StandardCopyOption.REPLACE_EXISTING);
                    usesData |= Files.readString(helper).contains("DataFiles");
                    m.appendReplacement(sourced, Matcher.quoteReplacement("//SOURCES " + inPack));
                }
                m.appendTail(sourced);
                // "Run it: ../../../jbang exNN.java" becomes the pack's own launcher
                String launcher = exercise.file().getParent().relativize(repo.resolve("jbang")).toString();
                String inPackText = sourced.toString().replace(launcher + " ", "./jbang ");
                // "Chapter page 01-database-drivers.md" points at the page's copy in the pack
                Matcher page = PAGE.matcher(inPackText);
                var cited = new StringBuilder();
                while (page.find()) {
                    if (!Files.isRegularFile(repo.resolve(CHAPTER).resolve(page.group(1)))) {
                        throw Cli.fail("%s cites the chapter page %s, which is not in %s", exercise.fileName(), page.group(1), CHAPTER);
                    }
                    pages.add(page.group(1));
                    page.appendReplacement(cited, Matcher.quoteReplacement("page " + PAGES + "/" + page.group(1)));
                }
                page.appendTail(cited);
                inPackText = cited.toString();
                usesData |= inPackText.contains("DataFiles") || inPackText.contains(CHAPTER + "/data");
                Files.writeString(temp.resolve(exercise.fileName()), inPackText);
                readme.append("| `").append(exercise.fileName()).append("` | ").append(description(text))
                        .append(" | `./jbang ").append(exercise.fileName()).append("` |\n");
            }
            if (usesData) Grader.copyTree(repo.resolve(CHAPTER + "/data"), temp.resolve(CHAPTER + "/data"));
            Files.createDirectories(temp.resolve(PAGES));
            for (String page : pages) Files.copy(repo.resolve(CHAPTER).resolve(page), temp.resolve(PAGES).resolve(page));
            // the plain launcher alone: the warm-start cache and the JShell sessions stay in the repository
            Path launcher = temp.resolve("jbang");
            Files.copy(repo.resolve("jbang"), launcher);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(temp.resolve("README.md"), STUDENT_README.formatted(readme, exercises.get(0).fileName(),
                    String.join(", ", pages.stream().map(p -> "`" + PAGES + "/" + p + "`").toList())));
            // a temp folder is private (rwx------); the pack is a folder like any other
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (Files.exists(out)) Files.delete(out); // the empty folder given
            Files.move(temp, out);
        } finally {
            if (Files.exists(temp)) Scratch.delete(temp);
        }
        System.out.printf("Wrote the student pack to %s: %d exercises, no solutions%n", out, exercises.size());
        exercises.forEach(e -> System.out.println("  " + e.fileName()));
        System.out.println("Students run an exercise with ./jbang " + exercises.get(0).fileName() + " (a JDK 17+ and Maven, or JBang, needed).");
    }

    static final String STUDENT_README = """
            # Extract & Load exercises

            Each exercise is one Java file you run with [JBang](https://www.jbang.dev). The top of the file
            says what to write and holds the method you write; the bottom is the grading code. Running the
            file grades your code: one `PASS` or `FAIL` line per check, with a hint, and a score.

            | Exercise | What it asks | Run it |
            |---|---|---|
            %1$s
            You need a JDK 17 or newer, and Maven or JBang. `./jbang` uses an installed `jbang`, or
            fetches JBang with Maven the first time (into `~/.cache/elkit`). Run from this folder:

            ```bash
            ./jbang %2$s      # or: jbang %2$s
            ```

            The chapter pages the exercises cite are in this folder too: %3$s.

            Hand in your exercise files, with their names unchanged. Your teacher grades them with the
            teacher's own copy of the grading code, so editing the part below
            `// ---- grading: do not edit below this line ----` changes nothing, and each file runs on
            its own with a time limit.
            """;

    static String description(String text) {
        Matcher m = Pattern.compile("(?m)^//DESCRIPTION\\s+(.*)$").matcher(text);
        return m.find() ? m.group(1).replace("|", "\\|") : "";
    }

    // ---- grade ----

    static final String NO_SANDBOX = "  WARNING  no sandbox (--no-sandbox): %s/%s ran with your user's rights, files and network%n";

    static void grade(Path repo, Path submissions, int timeoutSeconds, int jobs, boolean sandboxed) throws Exception {
        if (!Files.isDirectory(submissions)) throw Cli.fail("submissions folder %s does not exist", submissions);
        List<Path> students;
        try (Stream<Path> dirs = Files.list(submissions)) {
            students = dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(d -> d.getFileName().toString())).toList();
        }
        if (students.isEmpty()) throw Cli.fail("no student folders in %s (one folder per student, holding their exercise files)", submissions);
        var exercises = Exercise.all(repo);
        if (ToolProvider.getSystemJavaCompiler() == null) {
            throw Cli.fail("grading compiles the submissions: run it on a JDK, not a JRE (%s)", System.getProperty("java.home"));
        }
        if (sandboxed) {
            var why = Sandbox.unavailable();
            if (why.isPresent()) {
                throw Cli.fail("cannot run the students' code in a sandbox here: %s; to grade anyway, with their code running"
                        + " as you, add --no-sandbox (on a lab account or a throwaway machine)", why.get());
            }
        }

        System.out.printf("Grading %d students x %d exercises with the grader in %s (time limit %d s each, %s)%n",
                students.size(), exercises.size(), repo.resolve(Exercise.FOLDER), timeoutSeconds,
                sandboxed ? "each in a sandbox" : "NO SANDBOX: the students' code runs as you");
        Path work = Scratch.folder("grade"); // deleted below, and by a Ctrl-C too
        try {
            // each exercise's libraries, resolved by JBang from the teacher's file, and its number of checks, once each
            var setups = new LinkedHashMap<String, Grader.Setup>();
            try (var progress = Progress.start("the exercises' libraries", exercises.size())) { // on a terminal only
                for (var exercise : exercises) {
                    setups.put(exercise.name(), Grader.Setup.of(repo, exercise));
                    progress.step();
                }
            }

            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            var futures = new ArrayList<Future<Result>>();
            for (Path student : students) {
                for (var exercise : exercises) {
                    var setup = setups.get(exercise.name());
                    futures.add(pool.submit(() -> {
                        try {
                            return Grader.gradeOne(student, exercise, setup, work, timeoutSeconds, sandboxed);
                        } catch (Exception e) { // one file that cannot be graded does not stop the class
                            return new Result(student.getFileName().toString(), exercise.name(), 0, setup.checks(), "compile-error",
                                    List.of("COMPILE ERROR  " + exercise.fileName() + " could not be graded: " + e));
                        }
                    }));
                }
            }
            var results = new ArrayList<Result>();
            int next = 0;
            for (var future : futures) {
                Result result;
                // on a terminal only: which student's exercise of how many, cleared before its line is printed
                Path student = students.get(next / exercises.size());
                var exercise = exercises.get(next % exercises.size());
                try (var progress = Progress.start(String.format("exercise %d of %d: %s/%s", ++next, futures.size(),
                        student.getFileName(), exercise.name()), 0)) {
                    result = future.get();
                }
                results.add(result);
                if (!sandboxed && (result.graded() || result.status().equals("timeout"))) System.out.printf(NO_SANDBOX, result.student(), result.exercise());
                System.out.printf("  %-16s %-20s %s%n", result.student(), result.exercise(), result.shown());
            }
            pool.shutdown();
            Gradebook.write(submissions, students.stream().map(s -> s.getFileName().toString()).toList(), exercises, results);
        } finally {
            Scratch.delete(work);
        }
    }
}
