///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Classroom: hand the exercises out without solutions (handout OUT_DIR), grade a class with the teacher's grader (grade SUBMISSIONS_DIR)
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
//SOURCES ../../lib/src/main/java/elkit/Cli.java
//SOURCES ../../lib/src/main/java/elkit/Lab.java

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Cli;
import elkit.Lab;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Usage:
 *   classroom handout OUT_DIR                         write the student pack (no solutions)
 *   classroom grade SUBMISSIONS_DIR [--timeout S] [--jobs N]
 *                                                     grade one folder per student with the teacher's grader
 * Run it from the ELKit repository (or set ELKIT_REPO): the exercises and their graders are read there.
 * Exercises are every chapters/05-extract-load/exercises/*.java with the grading line; see that README.
 */
class classroom {

    static final String EXERCISES = "chapters/05-extract-load/exercises";
    static final String GRADING = "// ---- grading: do not edit below this line ----";
    static final String USAGE = "usage: classroom handout OUT_DIR | classroom grade SUBMISSIONS_DIR [--timeout SECONDS] [--jobs N]";
    /** A grader's checks: {@code passed += check(report, "title", ...)}; counted for the max of a run that did not finish. */
    static final Pattern CHECK_CALL = Pattern.compile("\\bcheck\\(\\s*\\w+\\s*,\\s*\"");
    static final Pattern SCORE = Pattern.compile("^Score: (\\d+)/(\\d+)$");
    static final String HARNESS = "elkit_grading_harness";
    /** One thread per running grader reads its output (blocking reads: not the common pool). */
    static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        var thread = new Thread(r, "grader-output");
        thread.setDaemon(true);
        return thread;
    });

    public static void main(String[] args) {
        Cli.run(args, classroom::command);
    }

    static void command(List<String> args) throws Exception {
        if (args.isEmpty()) throw Cli.fail(2, USAGE);
        var rest = new ArrayList<>(args.subList(1, args.size()));
        switch (args.get(0)) {
            case "handout" -> {
                if (rest.size() != 1) throw Cli.fail(2, USAGE);
                handout(repo(), Path.of(rest.get(0)));
            }
            case "grade" -> {
                int timeout = intOption(rest, "--timeout", 120);
                int jobs = intOption(rest, "--jobs", 1);
                if (rest.size() != 1) throw Cli.fail(2, USAGE);
                grade(repo(), Path.of(rest.get(0)), timeout, jobs);
            }
            default -> throw Cli.fail(2, "unknown command %s; %s", args.get(0), USAGE);
        }
    }

    static int intOption(List<String> args, String name, int fallback) {
        int at = args.indexOf(name);
        if (at < 0) return fallback;
        if (at + 1 >= args.size()) throw Cli.fail(2, "%s needs a number", name);
        String value = args.remove(at + 1);
        args.remove(at);
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
        if (!Files.isDirectory(root.resolve(EXERCISES))) throw Cli.fail("no %s in %s", EXERCISES, root);
        return root;
    }

    /** An exercise of the repository: its file, the class it declares, its grading part and number of checks. */
    record Exercise(String name, Path file, String className, String grading, int checks) {
        static Exercise of(Path file) throws IOException {
            String text = Files.readString(file);
            String name = file.getFileName().toString().replaceFirst("\\.java$", "");
            String grading = text.substring(text.indexOf(GRADING));
            return new Exercise(name, file, name.replace('-', '_'), grading, (int) CHECK_CALL.matcher(grading).results().count());
        }

        String fileName() {
            return name + ".java";
        }
    }

    static List<Exercise> exercises(Path repo) throws IOException {
        var found = new ArrayList<Exercise>();
        try (Stream<Path> files = Files.list(repo.resolve(EXERCISES))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (Files.readString(file).contains(GRADING)) found.add(Exercise.of(file));
            }
        }
        if (found.isEmpty()) throw Cli.fail("no exercise with a grading line in %s", repo.resolve(EXERCISES));
        return found;
    }

    // ---- handout ----

    static final Pattern SOURCES = Pattern.compile("(?m)^//SOURCES\\s+(\\S+)\\s*$");

    static void handout(Path repo, Path out) throws Exception {
        if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
            throw Cli.fail("%s already exists and is not an empty folder: give a new folder for the pack", out);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) throw Cli.fail("cannot write the pack to %s: folder %s does not exist", out, parent);
        var exercises = exercises(repo);
        // the pack is built beside OUT_DIR, then moved into place: never half a pack
        Path temp = Files.createTempDirectory(parent, "." + out.getFileName() + "-");
        try {
            Path lib = repo.resolve("lib/src/main/java");
            boolean usesData = false;
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
                usesData |= inPackText.contains("DataFiles") || inPackText.contains("chapters/05-extract-load/data");
                Files.writeString(temp.resolve(exercise.fileName()), inPackText);
                readme.append("| `").append(exercise.fileName()).append("` | ").append(description(text))
                        .append(" | `./jbang ").append(exercise.fileName()).append("` |\n");
            }
            if (usesData) copyTree(repo.resolve("chapters/05-extract-load/data"), temp.resolve("chapters/05-extract-load/data"));
            Path launcher = temp.resolve("jbang");
            Files.copy(repo.resolve("jbang"), launcher);
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(temp.resolve("README.md"), STUDENT_README.formatted(readme, exercises.get(0).fileName()));
            if (Files.exists(out)) Files.delete(out); // the empty folder given
            Files.move(temp, out);
        } finally {
            if (Files.exists(temp)) deleteTree(temp);
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

    /** One gradebook row, with the feedback lines for the student. */
    record Result(String student, String exercise, int score, int max, String status, List<String> feedback) {}

    static void grade(Path repo, Path submissions, int timeoutSeconds, int jobs) throws Exception {
        if (!Files.isDirectory(submissions)) throw Cli.fail("submissions folder %s does not exist", submissions);
        List<Path> students;
        try (Stream<Path> dirs = Files.list(submissions)) {
            students = dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(d -> d.getFileName().toString())).toList();
        }
        if (students.isEmpty()) throw Cli.fail("no student folders in %s (one folder per student, holding their exercise files)", submissions);
        var exercises = exercises(repo);
        var compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) throw Cli.fail("grading compiles the submissions: run it on a JDK, not a JRE (%s)", System.getProperty("java.home"));

        System.out.printf("Grading %d students x %d exercises with the grader in %s (time limit %d s each)%n",
                students.size(), exercises.size(), repo.resolve(EXERCISES), timeoutSeconds);
        Path work = Files.createTempDirectory("elkit-grade");
        try {
            // the exercises' libraries, resolved by JBang from the teacher's files, once each, for those handed in
            var setups = new LinkedHashMap<String, Setup>();
            for (var exercise : exercises) {
                if (students.stream().anyMatch(s -> Files.isRegularFile(s.resolve(exercise.fileName())))) {
                    setups.put(exercise.name(), Setup.of(repo, exercise));
                }
            }

            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            var futures = new ArrayList<Future<Result>>();
            for (Path student : students) {
                for (var exercise : exercises) {
                    futures.add(pool.submit(() -> {
                        try {
                            return gradeOne(student, exercise, setups.get(exercise.name()), work, timeoutSeconds);
                        } catch (Exception e) { // one file that cannot be graded does not stop the class
                            return new Result(student.getFileName().toString(), exercise.name(), 0, exercise.checks(), "compile-error",
                                    List.of("COMPILE ERROR  " + exercise.fileName() + " could not be graded: " + e));
                        }
                    }));
                }
            }
            var results = new ArrayList<Result>();
            for (var future : futures) {
                var result = future.get();
                results.add(result);
                System.out.printf("  %-16s %-20s %s%n", result.student(), result.exercise(), result.status().equals("graded")
                        ? result.score() + "/" + result.max() : result.status());
            }
            pool.shutdown();
            writeReports(submissions, students, exercises, results);
        } finally {
            deleteTree(work);
        }
    }

    /** What compiling and running an exercise needs: the teacher's helper sources and the resolved libraries. */
    record Setup(List<Path> helperSources, String classpath, boolean usesData) {
        static Setup of(Path repo, Exercise exercise) throws Exception {
            var command = List.of(repo.resolve("jbang").toString(), "info", "tools", exercise.file().getFileName().toString());
            var process = new ProcessBuilder(command).directory(exercise.file().getParent().toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0 || !json.strip().startsWith("{")) {
                throw Cli.fail("could not resolve the libraries of %s with JBang (try ./jbang %s)", exercise.file(), repo.relativize(exercise.file()));
            }
            JsonNode info = new ObjectMapper().readTree(json);
            var helpers = new ArrayList<Path>();
            info.path("sources").forEach(s -> {
                Path source = Path.of(s.path("backingResource").asText());
                if (!source.equals(exercise.file().toAbsolutePath())) helpers.add(source);
            });
            var jars = new LinkedHashSet<String>();
            info.path("resolvedDependencies").forEach(d -> jars.add(d.asText()));
            boolean data = Files.readString(exercise.file()).contains("DataFiles");
            for (Path helper : helpers) data |= Files.readString(helper).contains("DataFiles");
            return new Setup(helpers, String.join(File.pathSeparator, jars), data);
        }
    }

    static Result gradeOne(Path studentDir, Exercise exercise, Setup setup, Path work, int timeoutSeconds) throws Exception {
        String student = studentDir.getFileName().toString();
        Path submitted = studentDir.resolve(exercise.fileName());
        if (!Files.isRegularFile(submitted)) {
            return new Result(student, exercise.name(), 0, exercise.checks(), "missing",
                    List.of("MISSING  " + exercise.fileName() + " was not handed in"));
        }
        String mine = new String(Files.readAllBytes(submitted), StandardCharsets.UTF_8); // any encoding: bad bytes become U+FFFD
        int cut = mine.indexOf(GRADING);
        if (cut < 0) {
            return new Result(student, exercise.name(), 0, exercise.checks(), "compile-error",
                    List.of("COMPILE ERROR  the line \"" + GRADING + "\" is gone from your file: put it back below your code"));
        }
        String clash = clash(mine.substring(0, cut), exercise);
        if (clash != null) {
            return new Result(student, exercise.name(), 0, exercise.checks(), "compile-error",
                    List.of("COMPILE ERROR  " + exercise.fileName() + ": " + clash));
        }
        // the student's part, spliced onto the teacher's grader: the grading part of the file handed in is never run
        String studentPart = withTeacherImports(mine.substring(0, cut), exercise);
        int studentLines = (int) studentPart.lines().count();
        Path dir = Files.createDirectories(work.resolve(safe(student)).resolve(exercise.name()));
        Path source = dir.resolve(exercise.className() + ".java");
        Files.writeString(source, studentPart + exercise.grading());
        Path harness = dir.resolve(HARNESS + ".java");
        Files.writeString(harness, HARNESS_SOURCE.replace("EXERCISE_CLASS", exercise.className()));
        Path classes = Files.createDirectories(dir.resolve("classes"));

        var errors = compile(source, harness, setup, classes);
        if (!errors.isEmpty()) {
            var feedback = new ArrayList<String>();
            feedback.add("COMPILE ERROR  " + exercise.fileName() + " does not compile:");
            for (var d : errors.subList(0, Math.min(5, errors.size()))) {
                long line = d.getLineNumber();
                String where = d.getSource() != null && d.getSource().getName().endsWith(exercise.className() + ".java")
                        ? (line <= studentLines ? "line " + line : "the grading code needs something your part removed or renamed")
                        : "grading support";
                feedback.add("  " + where + ": " + d.getMessage(Locale.ENGLISH).lines().findFirst().orElse(""));
            }
            return new Result(student, exercise.name(), 0, exercise.checks(), "compile-error", feedback);
        }
        return run(student, exercise, setup, classes, dir, timeoutSeconds);
    }

    static final Pattern METHOD = Pattern.compile(
            "(?m)^\\s*(?:(?:public|private|protected|static|final|synchronized)\\s+)*(?:<[^>]+>\\s+)?[\\w.<>\\[\\], ?]+\\s+(\\w+)\\s*\\([^)]*\\)\\s*(?:throws\\s+[\\w., ]+)?\\{");
    static final Pattern TYPE = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
    static final List<String> KEYWORDS = List.of("if", "for", "while", "switch", "catch", "synchronized", "try", "else", "return", "new");

    /**
     * A student's part must not change what the grader's code means: a method named like one of the
     * grader's (an overload can capture its calls) or a new type named like one it uses (a nested
     * {@code ArrayList} or {@code System} would shadow the real one). Null when there is no such clash.
     */
    static String clash(String studentPart, Exercise exercise) throws IOException {
        String teacher = Files.readString(exercise.file());
        String teacherTop = teacher.substring(0, teacher.indexOf(GRADING));
        var graderMethods = names(METHOD, exercise.grading());
        for (String method : names(METHOD, studentPart)) {
            if (graderMethods.contains(method) && !KEYWORDS.contains(method) && !names(METHOD, teacherTop).contains(method)) {
                return "your part declares a method " + method + "(...), a name the grading code uses: rename it";
            }
        }
        var graderWords = names(Pattern.compile("\\b([A-Za-z_]\\w*)\\b"), exercise.grading());
        for (String type : names(TYPE, studentPart)) {
            if (graderWords.contains(type) && !names(TYPE, teacherTop).contains(type)) {
                return "your part declares a type " + type + ", a name the grading code uses: rename it";
            }
        }
        return null;
    }

    static java.util.Set<String> names(Pattern pattern, String code) {
        var names = new LinkedHashSet<String>();
        Matcher m = pattern.matcher(code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", ""));
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The teacher's imports the student's part lacks, added on its last import line: line numbers stay the student's. */
    static String withTeacherImports(String studentPart, Exercise exercise) throws IOException {
        var mineImports = new LinkedHashSet<String>();
        Matcher m = Pattern.compile("(?m)^import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;").matcher(studentPart);
        while (m.find()) mineImports.add(m.group(2));
        var missing = new StringBuilder();
        Matcher t = Pattern.compile("(?m)^import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;").matcher(Files.readString(exercise.file()));
        while (t.find()) {
            String name = t.group(2);
            String simple = name.substring(name.lastIndexOf('.') + 1);
            boolean clash = mineImports.stream().anyMatch(i -> i.endsWith("." + simple));
            if (!mineImports.contains(name) && !clash) missing.append(' ').append(t.group().strip());
        }
        if (missing.isEmpty()) return studentPart;
        Matcher last = Pattern.compile("(?m)^import\\s.*$").matcher(studentPart);
        int end = -1;
        while (last.find()) end = last.end();
        if (end < 0) {
            Matcher type = Pattern.compile("(?m)^(public\\s+|final\\s+)*class\\s").matcher(studentPart);
            if (!type.find()) return studentPart;
            return studentPart.substring(0, type.start()) + missing.substring(1) + " " + studentPart.substring(type.start());
        }
        return studentPart.substring(0, end) + missing + studentPart.substring(end);
    }

    static List<Diagnostic<? extends JavaFileObject>> compile(Path source, Path harness, Setup setup, Path classes) throws IOException {
        var compiler = ToolProvider.getSystemJavaCompiler();
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (var files = compiler.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            var sources = new ArrayList<Path>(List.of(source, harness));
            sources.addAll(setup.helperSources());
            var units = files.getJavaFileObjectsFromPaths(sources);
            var options = List.of("-proc:none", "-nowarn", "-g", "-encoding", "UTF-8", "-d", classes.toString(),
                    "-classpath", setup.classpath().isEmpty() ? "." : setup.classpath());
            var out = new StringWriter();
            boolean ok = compiler.getTask(out, files, diagnostics, options, null, units).call();
            if (ok) return List.of();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    /** Runs the spliced exercise in a JVM of its own; only the lines the grader printed count (see the harness). */
    static Result run(String student, Exercise exercise, Setup setup, Path classes, Path dir, int timeoutSeconds) throws Exception {
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = classes + (setup.classpath().isEmpty() ? "" : File.pathSeparator + setup.classpath());
        Path run = Files.createDirectories(dir.resolve("run"));
        if (setup.usesData()) copyTree(exercise.file().getParent().resolve("../data").normalize(), run.resolve("chapters/05-extract-load/data"));
        var builder = new ProcessBuilder(java, "-Xmx1g", "-cp", classpath, HARNESS, exercise.className())
                .directory(run.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ELKIT_WORK", run.resolve("work").toString());
        Process process = builder.start();
        // read as it comes, keeping only the grader's lines: a student's code printing without end fills no disk
        var graderLines = CompletableFuture.supplyAsync(() -> graderLines(process.getInputStream(), token), READERS);
        try (var stdin = process.getOutputStream()) {
            stdin.write((token + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException gone) {
            // it ended before reading the token: what it printed says so
        }
        boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            graderLines.cancel(true);
            return new Result(student, exercise.name(), 0, exercise.checks(), "timeout",
                    List.of("TIMEOUT  " + exercise.fileName() + " was stopped after " + timeoutSeconds
                            + " s: look for a loop that never ends, or a wait with no time limit"));
        }
        var feedback = new ArrayList<String>();
        int passed = 0;
        Integer score = null;
        List<String> said;
        try {
            said = graderLines.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) { // a process of the student's holds the output open
            graderLines.cancel(true);
            said = List.of();
        }
        for (String line : said) {
            Matcher s = SCORE.matcher(line);
            if (s.matches()) score = Integer.parseInt(s.group(1));
            else if (line.startsWith("PASS  ") || line.startsWith("FAIL  ")) {
                feedback.add(line);
                if (line.startsWith("PASS  ")) passed++;
            }
        }
        if (score == null || score != passed || feedback.size() != exercise.checks()) {
            feedback.add("FAIL  the grader did not finish: your code ended the program (exit code " + process.exitValue()
                    + ") before every check ran; System.exit or a crash ends the grading too");
            return new Result(student, exercise.name(), 0, exercise.checks(), "graded", feedback);
        }
        return new Result(student, exercise.name(), passed, exercise.checks(), "graded", feedback);
    }

    /** The lines tagged with the token (the grader's), without it; untagged lines are dropped, long ones cut. */
    static List<String> graderLines(java.io.InputStream output, String token) {
        var kept = new ArrayList<String>();
        var line = new java.io.ByteArrayOutputStream();
        try (var in = new java.io.BufferedInputStream(output)) {
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.startsWith(token + " ") && kept.size() < 1_000) kept.add(text.substring(token.length() + 1));
                    line.reset();
                } else if (line.size() < 16_384) {
                    line.write(b);
                }
            }
        } catch (IOException closed) {
            // the process was stopped: what was read is what it said
        }
        return kept;
    }

    static void writeReports(Path submissions, List<Path> students, List<Exercise> exercises, List<Result> results) throws IOException {
        var csv = new StringBuilder("student,exercise,score,max,status\n");
        for (var r : results) {
            csv.append(csvField(r.student())).append(',').append(r.exercise()).append(',').append(r.score()).append(',')
                    .append(r.max()).append(',').append(r.status()).append('\n');
        }
        Path gradebook = submissions.resolve("gradebook.csv");
        Path temp = Files.createTempFile(submissions, ".gradebook", ".tmp");
        Files.writeString(temp, csv);
        Files.move(temp, gradebook, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        for (Path studentDir : students) {
            String student = studentDir.getFileName().toString();
            var text = new StringBuilder("Feedback for " + student + "\n");
            int total = 0, max = 0;
            for (var r : results) {
                if (!r.student().equals(student)) continue;
                text.append('\n').append("== ").append(r.exercise()).append(": ")
                        .append(r.status().equals("graded") ? r.score() + "/" + r.max() : r.status() + ", 0/" + r.max()).append('\n');
                r.feedback().forEach(line -> text.append(line).append('\n'));
                total += r.score();
                max += r.max();
            }
            text.append("\nTotal: ").append(total).append('/').append(max).append('\n');
            Files.writeString(studentDir.resolve("feedback.txt"), text);
        }

        // summary: one row per student, one column per exercise
        int width = Math.max(7, students.stream().mapToInt(s -> s.getFileName().toString().length()).max().orElse(7));
        var header = new StringBuilder(String.format("%n%-" + width + "s", "student"));
        exercises.forEach(e -> header.append("  ").append(String.format("%-14s", e.name().length() > 14 ? e.name().substring(0, 14) : e.name())));
        header.append("  total");
        System.out.println(header);
        for (Path studentDir : students) {
            String student = studentDir.getFileName().toString();
            var row = new StringBuilder(String.format("%-" + width + "s", student));
            int total = 0, max = 0;
            for (var e : exercises) {
                var r = results.stream().filter(x -> x.student().equals(student) && x.exercise().equals(e.name())).findFirst().orElseThrow();
                row.append("  ").append(String.format("%-14s", r.status().equals("graded") ? r.score() + "/" + r.max() : r.status()));
                total += r.score();
                max += r.max();
            }
            System.out.println(row.append("  ").append(total).append('/').append(max));
        }
        System.out.println("\nWrote " + gradebook + " and a feedback.txt in each student's folder.");
    }

    static String csvField(String value) {
        return value.matches("[^,\"\\r\\n]*") ? value : "\"" + value.replace("\"", "\"\"") + "\"";
    }

    static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * The grading JVM's main class. It reads a secret token on stdin before the exercise class is
     * loaded, and tags with it only the lines printed directly by the grader's own main (the PASS/FAIL
     * lines and the score): a student's code that prints "PASS" or "Score: 3/3", from its method, a
     * static block or a thread of its own, prints untagged lines, which do not count.
     */
    static final String HARNESS_SOURCE = """
            import java.io.*;
            import java.nio.charset.StandardCharsets;

            public final class elkit_grading_harness extends OutputStream {
                private static final String EXERCISE = "EXERCISE_CLASS";
                private final PrintStream real;
                private final String token;
                private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);
                private final ThreadLocal<boolean[]> trusted = ThreadLocal.withInitial(() -> new boolean[] {true});

                private elkit_grading_harness(PrintStream real, String token) {
                    this.real = real;
                    this.token = token;
                }

                public static void main(String[] args) throws Throwable {
                    String token = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    System.setIn(new ByteArrayInputStream(new byte[0]));
                    var real = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
                    System.setOut(new PrintStream(new elkit_grading_harness(real, token), true, StandardCharsets.UTF_8));
                    try {
                        Class.forName(EXERCISE).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }

                /** The grader's main prints its report itself: the first frame outside the JDK is main or one of its lambdas. */
                private static boolean fromGrader() {
                    return StackWalker.getInstance().walk(frames -> frames
                            .filter(f -> !f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
                                    && !f.getClassName().startsWith("sun.") && !f.getClassName().equals("elkit_grading_harness"))
                            .findFirst()
                            .map(f -> f.getClassName().equals(EXERCISE)
                                    && (f.getMethodName().equals("main") || f.getMethodName().startsWith("lambda$main$")))
                            .orElse(false));
                }

                @Override
                public synchronized void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public synchronized void write(byte[] bytes, int offset, int length) {
                    boolean grader = fromGrader();
                    for (int i = offset; i < offset + length; i++) {
                        if (bytes[i] == '\\n') {
                            String text = line.get().toString(StandardCharsets.UTF_8);
                            real.println(trusted.get()[0] && grader ? token + " " + text : text);
                            line.get().reset();
                            trusted.get()[0] = true;
                        } else {
                            line.get().write(bytes[i]);
                            if (!grader) trusted.get()[0] = false;
                        }
                    }
                }
            }
            """;
}
