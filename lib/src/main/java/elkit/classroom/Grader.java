//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0
package elkit.classroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.Cli;
import elkit.Scratch;
import elkit.classroom.Gradebook.Result;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Grading one submission: the student's part above the grading line is spliced onto the teacher's
 * grader (the grading part handed in is never run), compiled with the teacher's helpers and the
 * {@link GradingHarness}, and run in a JVM of its own with a time limit; only the lines the grader
 * printed count. Helper files: {@link Cli}, {@link Exercise}, {@link Checks}, {@link Gradebook}.
 */
public final class Grader {
    private Grader() {}

    static final String GRADING = Exercise.GRADING_LINE;
    static final Pattern SCORE = Pattern.compile("^Score: (\\d+)/(\\d+)$");
    static final String HARNESS = GradingHarness.class.getName();
    /** One thread per running grader reads its output (blocking reads: not the common pool). */
    static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        var thread = new Thread(r, "grader-output");
        thread.setDaemon(true);
        return thread;
    });

    /** What compiling and running an exercise needs: the teacher's helper sources and the resolved libraries. */
    /**
     * What compiling and running an exercise needs: the teacher's helper sources, the resolved libraries,
     * whether it reads the sample data, and its number of checks (the maximum score, from its code).
     */
    public record Setup(List<Path> helperSources, String classpath, boolean usesData, int checks) {
        public static Setup of(Path repo, Exercise exercise) throws Exception {
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
            String classpath = String.join(File.pathSeparator, jars);
            return new Setup(helpers, classpath, data, Checks.count(exercise.file(), helpers, classpath));
        }
    }

    /** Grades in a sandbox ({@link Sandbox}). */
    public static Result gradeOne(Path studentDir, Exercise exercise, Setup setup, Path work, int timeoutSeconds) throws Exception {
        return gradeOne(studentDir, exercise, setup, work, timeoutSeconds, true);
    }

    /** {@code sandboxed} false runs the student's code with the grader's own rights (classroom grade --no-sandbox). */
    public static Result gradeOne(Path studentDir, Exercise exercise, Setup setup, Path work, int timeoutSeconds, boolean sandboxed) throws Exception {
        String student = studentDir.getFileName().toString();
        Path submitted = studentDir.resolve(exercise.fileName());
        if (!Files.isRegularFile(submitted)) {
            return new Result(student, exercise.name(), 0, setup.checks(), "missing",
                    List.of("MISSING  " + exercise.fileName() + " was not handed in"));
        }
        String mine = new String(Files.readAllBytes(submitted), StandardCharsets.UTF_8); // any encoding: bad bytes become U+FFFD
        int cut = mine.indexOf(GRADING);
        if (cut < 0) {
            return new Result(student, exercise.name(), 0, setup.checks(), "compile-error",
                    List.of("COMPILE ERROR  the line \"" + GRADING + "\" is gone from your file: put it back below your code"));
        }
        String clash = clash(mine.substring(0, cut), exercise);
        if (clash != null) {
            return new Result(student, exercise.name(), 0, setup.checks(), "compile-error",
                    List.of("COMPILE ERROR  " + exercise.fileName() + ": " + clash));
        }
        // the student's part, spliced onto the teacher's grader: the grading part of the file handed in is never run
        String studentPart = withTeacherImports(mine.substring(0, cut), exercise);
        int studentLines = (int) studentPart.lines().count();
        Path dir = Files.createDirectories(work.resolve(safe(student)).resolve(exercise.name()));
        Path source = dir.resolve(exercise.className() + ".java");
        Files.writeString(source, studentPart + exercise.grading());
        Path harness = harnessSource(exercise);
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
            return new Result(student, exercise.name(), 0, setup.checks(), "compile-error", feedback);
        }
        return run(student, exercise, setup, classes, dir, timeoutSeconds, sandboxed);
    }

    static final Pattern METHOD = Pattern.compile(
            "(?m)^\\s*(?:(?:public|private|protected|static|final|synchronized)\\s+)*(?:<[^>]+>\\s+)?[\\w.<>\\[\\], ?]+\\s+(\\w+)\\s*\\([^)]*\\)\\s*(?:throws\\s+[\\w., ]+)?\\{");
    static final Pattern TYPE = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
    static final Pattern STATIC_IMPORT = Pattern.compile("(?m)^import\\s+static\\s+[\\w.]+\\.(\\w+)\\s*;");
    static final List<String> KEYWORDS = List.of("if", "for", "while", "switch", "catch", "synchronized", "try", "else", "return", "new");

    /**
     * A student's part must not change what the grader's code means: a method named like one of the
     * grader's (an overload can capture its calls) or a new type named like one it uses (a nested
     * {@code ArrayList} or {@code System} would shadow the real one). Null when there is no such clash.
     */
    static String clash(String studentPart, Exercise exercise) throws IOException {
        String teacherTop = exercise.top();
        var graderMethods = names(METHOD, exercise.grading());
        graderMethods.addAll(names(STATIC_IMPORT, teacherTop)); // check, expect: a method of the class would shadow them
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

    /** The harness, a source file of the helper library beside the exercise's own helpers (lib/.../elkit/classroom/). */
    static Path harnessSource(Exercise exercise) {
        Path lib = exercise.file().getParent().resolve("../../../lib/src/main/java").normalize();
        Path harness = lib.resolve(HARNESS.replace('.', '/') + ".java");
        if (!Files.isRegularFile(harness)) throw Cli.fail("the grading harness %s is missing", harness);
        return harness;
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

    /**
     * The JVM of each graded run: a heap of 1 GB at most; the client compiler alone and one GC thread, because a run
     * lasts seconds and a class is hundreds of runs: the optimising compiler's threads would cost more CPU than they
     * win back (a JShell run of the Kafka lesson took half the CPU with these, for the same output).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /**
     * Runs the spliced exercise in a JVM of its own, in a sandbox unless {@code sandboxed} is false;
     * only the lines the grader printed count (see the harness). Every line of its output and errors
     * is shown to a {@link Sandbox.Watch}, which names what the sandbox refused.
     */
    static Result run(String student, Exercise exercise, Setup setup, Path classes, Path dir, int timeoutSeconds, boolean sandboxed) throws Exception {
        String token = Scratch.secret(16);
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> jars = setup.classpath().isEmpty() ? List.of() : List.of(setup.classpath().split(File.pathSeparator));
        Path data = setup.usesData() ? exercise.file().getParent().resolve("../data").normalize() : null;
        Path run = Files.createDirectories(dir.resolve("run"));
        ProcessBuilder builder;
        if (sandboxed) {
            var sandbox = new Sandbox.Run(javaHome, jars, classes, data, Sandbox.writeEtc(dir.resolve("etc")));
            var javaArgs = new ArrayList<>(JVM_OPTIONS);
            javaArgs.addAll(List.of("-cp", Sandbox.classpath(jars), HARNESS, exercise.className()));
            builder = new ProcessBuilder(Sandbox.command(sandbox, javaArgs));
            builder.environment().clear();
            builder.environment().putAll(Sandbox.environment());
        } else {
            String classpath = classes + (setup.classpath().isEmpty() ? "" : File.pathSeparator + setup.classpath());
            if (data != null) copyTree(data, run.resolve("chapters/05-extract-load/data"));
            var command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString()));
            command.addAll(JVM_OPTIONS);
            command.addAll(List.of("-cp", classpath, HARNESS, exercise.className()));
            builder = new ProcessBuilder(command);
            builder.environment().put("ELKIT_WORK", run.resolve("work").toString());
        }
        builder.directory(run.toFile());
        var watch = new Sandbox.Watch();
        Process process = builder.start();
        // read as it comes, keeping only the grader's lines: a student's code printing without end fills no disk
        var graderLines = CompletableFuture.supplyAsync(() -> graderLines(process.getInputStream(), token, watch), READERS);
        var errors = CompletableFuture.supplyAsync(() -> graderLines(process.getErrorStream(), token, watch), READERS);
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
            errors.cancel(true);
            return new Result(student, exercise.name(), 0, setup.checks(), "timeout",
                    List.of("TIMEOUT  " + exercise.fileName() + " was stopped after " + timeoutSeconds
                            + " s: look for a loop that never ends, or a wait with no time limit"), sandboxed ? watch.refused(false) : List.of());
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
        try {
            errors.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
            errors.cancel(true);
        }
        List<String> refused = sandboxed ? watch.refused(true) : List.of();
        for (String line : said) {
            Matcher s = SCORE.matcher(line);
            if (s.matches()) score = Integer.parseInt(s.group(1));
            else if (line.startsWith("PASS  ") || line.startsWith("FAIL  ")) {
                feedback.add(line);
                if (line.startsWith("PASS  ")) passed++;
            }
        }
        if (score == null || score != passed || feedback.size() != setup.checks()) {
            feedback.add("FAIL  the grader did not finish: your code ended the program (exit code " + process.exitValue()
                    + ") before every check ran; System.exit or a crash ends the grading too");
            return new Result(student, exercise.name(), 0, setup.checks(), "graded", feedback, refused);
        }
        return new Result(student, exercise.name(), passed, setup.checks(), "graded", feedback, refused);
    }

    /** The lines tagged with the token (the grader's), without it; untagged lines are dropped, long ones cut; the watch sees every line. */
    static List<String> graderLines(java.io.InputStream output, String token, Sandbox.Watch watch) {
        var kept = new ArrayList<String>();
        var line = new java.io.ByteArrayOutputStream();
        try (var in = new java.io.BufferedInputStream(output)) {
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.startsWith(token + " ")) {
                        text = text.substring(token.length() + 1);
                        if (kept.size() < 1_000) kept.add(text);
                    }
                    watch.line(text);
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

    public static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
