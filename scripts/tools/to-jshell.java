///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Makes the JShell walkthroughs chapters/05-extract-load/jshell/NN-*.jsh from the notebooks: ./jbang to-jshell [--check]
//DEPS com.fasterxml.jackson.core:jackson-databind:2.23.0

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One JShell walkthrough per notebook: notebooks/NN-x.ipynb becomes chapters/05-extract-load/jshell/NN-x.jsh,
 * its code cells in order and its markdown as // comments. The notebook stays the one source of truth.
 *
 *   ./jbang to-jshell           writes every walkthrough (and removes those whose notebook is gone)
 *   ./jbang to-jshell --check   writes nothing; exits 1 naming each walkthrough that is stale
 *
 * Kernel magics become what JShell needs instead:
 *   %jar / %classpath under target/  the folder notebooks/pom.xml fills with elkit and the lessons' libraries;
 *                                    here the walkthrough's //DEPS on the scripts the notebook shows give JBang
 *                                    the same classes (each script's own //DEPS and the elkit files it //SOURCES)
 *   %dependency /add g:a:v           a //DEPS g:a:v line (and /resolve: nothing left to do)
 *   %load file.jsh                   /open file, seen from the repository root
 * Any other magic stops the generator with a message, rather than being dropped.
 */
class to_jshell {

    static final String NOTEBOOKS = "notebooks";
    static final String WALKTHROUGHS = "chapters/05-extract-load/jshell";
    static final String COMMAND = "./jbang to-jshell";
    static final Pattern MAGIC = Pattern.compile("^\\s*(%%?)(\\w+)\\s*(.*?)\\s*$");

    static final String HELP = """
            Usage: to-jshell [--check]
            Makes the JShell walkthroughs chapters/05-extract-load/jshell/NN-*.jsh from the notebooks/*.ipynb
            (and removes those whose notebook is gone). Run it inside the repository.
            Arguments:
              --check   writes nothing; exits 1 naming each walkthrough that is stale, missing or orphaned
            Environment: none read.
            """;

    public static void main(String[] args) throws IOException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(HELP);
            return;
        }
        for (String arg : args) {
            if (!arg.equals("--check")) {
                System.err.println("to-jshell: unknown option " + arg + "; usage: to-jshell [--check]");
                System.exit(2);
            }
        }
        boolean check = List.of(args).contains("--check");
        Path root = repositoryRoot();
        try {
            var wanted = walkthroughs(root);
            var problems = new ArrayList<String>();
            for (var entry : wanted.entrySet()) {
                Path file = root.resolve(entry.getKey());
                String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
                if (entry.getValue().equals(old)) continue;
                if (check) {
                    problems.add(entry.getKey() + (old == null ? " is missing" : " is stale"));
                } else {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
                    System.out.println((old == null ? "wrote " : "updated ") + entry.getKey());
                }
            }
            for (String orphan : orphans(root, wanted.keySet())) {
                if (check) {
                    problems.add(orphan + " has no notebook any more");
                } else {
                    Files.delete(root.resolve(orphan));
                    System.out.println("removed " + orphan + " (its notebook is gone)");
                }
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.err.println("to-jshell: " + p));
                System.err.println("to-jshell: make them again from the notebooks with: " + COMMAND);
                System.exit(1);
            }
            System.out.println(wanted.size() + " walkthroughs " + (check ? "up to date" : "made") + " in " + WALKTHROUGHS);
        } catch (IllegalArgumentException e) {
            System.err.println("to-jshell: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The folder that holds jbang-catalog.json, from the current folder up. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve(NOTEBOOKS))) return dir;
        }
        System.err.println("to-jshell: run it inside the repository (no jbang-catalog.json above " + Path.of("").toAbsolutePath() + ")");
        System.exit(1);
        return null;
    }

    /** Every notebook's walkthrough: its path from the root, and its text. */
    static Map<String, String> walkthroughs(Path root) throws IOException {
        var scripts = new LinkedHashMap<String, List<String>>(); // scripts/x.java -> its normalized lines
        try (Stream<Path> files = Files.list(root.resolve("scripts"))) {
            for (Path script : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                scripts.put("scripts/" + script.getFileName(), normalize(Files.readString(script)));
            }
        }
        var result = new LinkedHashMap<String, String>();
        try (Stream<Path> files = Files.list(root.resolve(NOTEBOOKS))) {
            for (Path notebook : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", ".jsh");
                result.put(WALKTHROUGHS + "/" + name, walkthrough(root, notebook, scripts));
            }
        }
        return result;
    }

    static List<String> orphans(Path root, Set<String> wanted) throws IOException {
        Path folder = root.resolve(WALKTHROUGHS);
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".jsh"))
                    .map(p -> WALKTHROUGHS + "/" + p.getFileName())
                    .filter(p -> !wanted.contains(p)).sorted().toList();
        }
    }

    /** A notebook as a JShell file. */
    static String walkthrough(Path root, Path notebook, Map<String, List<String>> scripts) throws IOException {
        String source = NOTEBOOKS + "/" + notebook.getFileName();
        JsonNode cells = new ObjectMapper().readTree(notebook.toFile()).path("cells");
        var deps = new LinkedHashSet<String>();
        var body = new StringBuilder();
        boolean usesBuiltClasspath = false;
        var excerpts = new ArrayList<List<String>>(); // code cells that must come from a script
        var loadedScripts = new ArrayList<String>(); // scripts a cell loads whole (%load ../scripts/x.java)

        int number = 0;
        for (JsonNode cell : cells) {
            number++;
            String text = text(cell.path("source")).stripTrailing();
            if (text.isBlank()) continue;
            if (cell.path("cell_type").asText().equals("markdown")) {
                for (String line : text.split("\n", -1)) body.append(line.isBlank() ? "//" : "// " + line.stripTrailing()).append('\n');
                body.append('\n');
                continue;
            }
            if (!cell.path("cell_type").asText().equals("code")) continue;
            var code = new StringBuilder();
            boolean header = true; // magics are the first lines of a cell, after its comments
            for (String line : text.split("\n", -1)) {
                Matcher magic = MAGIC.matcher(line);
                header &= line.isBlank() || line.strip().startsWith("//") || magic.matches();
                if (!header || !magic.matches()) {
                    code.append(line).append('\n');
                    continue;
                }
                String where = source + " cell " + number;
                String kind = magic.group(1) + magic.group(2), argument = magic.group(3);
                switch (kind) {
                    case "%jar", "%classpath" -> {
                        if (!Path.of(argument).normalize().startsWith("target")) {
                            throw new IllegalArgumentException(where + ": " + line.strip() + " names a path outside"
                                    + " notebooks/target, which has no JShell translation here: add one to scripts/tools/to-jshell.java");
                        }
                        usesBuiltClasspath = true;
                        code.append("// ").append(line.strip()).append("   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes\n");
                    }
                    case "%dependency" -> {
                        if (argument.startsWith("/add ")) {
                            deps.add(argument.substring(5).strip());
                            code.append("// ").append(line.strip()).append("   <- a kernel magic: a //DEPS line at the top of this file\n");
                        } else if (argument.equals("/resolve")) {
                            code.append("// ").append(line.strip()).append("   <- a kernel magic: JBang resolved the //DEPS before JShell started\n");
                        } else {
                            throw new IllegalArgumentException(where + ": " + line.strip() + " has no JShell translation: add one to scripts/tools/to-jshell.java");
                        }
                    }
                    case "%load" -> {
                        Path file = root.relativize(notebook.getParent().resolve(argument).toAbsolutePath().normalize());
                        // the comment on a line of its own: JShell's /open takes the rest of its line as the file name
                        code.append("// the notebook's ").append(line.strip()).append('\n').append("/open ").append(file).append('\n');
                        // a lesson loaded whole needs its own //DEPS and elkit files on the class path, as one it shows
                        if (file.startsWith("scripts") && file.toString().endsWith(".java")) loadedScripts.add(file.toString().replace('\\', '/'));
                    }
                    default -> throw new IllegalArgumentException(where + ": the kernel magic " + line.strip()
                            + " has no JShell translation: add one to scripts/tools/to-jshell.java");
                }
            }
            if (!text.strip().startsWith("// notebook:") && !normalize(code.toString()).isEmpty()) {
                excerpts.add(normalize(code.toString()));
            }
            body.append(jshellSafe(code.toString(), source + " cell " + number)).append('\n');
        }

        var lessons = new ArrayList<String>(usesBuiltClasspath || !excerpts.isEmpty() ? lessonsShown(excerpts, scripts) : List.<String>of());
        loadedScripts.stream().filter(script -> !lessons.contains(script)).distinct().forEach(lessons::add);
        String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", ".jsh");
        var out = new StringBuilder();
        out.append("// JShell walkthrough of ").append(source).append(": its code cells in order, its markdown as comments.\n");
        out.append("// Made from the notebook by `").append(COMMAND).append("`: edit the notebook, then run that command.\n");
        out.append("//\n");
        out.append("// Run it whole, from the repository root:  ./jbang ").append(WALKTHROUGHS).append('/').append(name).append('\n');
        out.append("// Run it, then stay in JShell:            ./jbang -i ").append(WALKTHROUGHS).append('/').append(name).append('\n');
        out.append("// Or /open it in a JShell that has these classes, and step through it snippet by snippet.\n");
        if (!lessons.isEmpty()) {
            out.append("//\n");
            out.append("// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.\n");
        }
        for (String lesson : lessons) out.append("//DEPS ../../../").append(lesson).append('\n');
        for (String dep : deps) out.append("//DEPS ").append(dep).append('\n');
        out.append('\n').append(body);
        return out.toString().stripTrailing() + "\n";
    }

    /**
     * The scripts whose code the notebook shows: the fewest that hold every excerpt cell, chosen greedily
     * (a cell of imports may be in several scripts; the one that holds the most other cells wins), in the
     * order of their first cell.
     */
    static List<String> lessonsShown(List<List<String>> excerpts, Map<String, List<String>> scripts) {
        var holders = new ArrayList<Set<String>>();
        for (var cell : excerpts) {
            var in = new TreeSet<String>();
            scripts.forEach((script, lines) -> {
                if (Collections.indexOfSubList(lines, cell) >= 0) in.add(script);
            });
            if (!in.isEmpty()) holders.add(in);
        }
        var chosen = new TreeSet<String>();
        var open = new ArrayList<>(holders);
        while (!open.isEmpty()) {
            String best = null;
            long bestCount = 0;
            for (String script : scripts.keySet()) {
                long count = open.stream().filter(h -> h.contains(script)).count();
                if (count > bestCount) {
                    best = script;
                    bestCount = count;
                }
            }
            chosen.add(best);
            String picked = best;
            open.removeIf(h -> h.contains(picked));
        }
        // in the order the notebook first shows them: JBang resolves //DEPS in order, and the first lesson's
        // versions win a conflict (the AWS SDK needs its httpclient5, which google-cloud's tree would lower)
        var order = new ArrayList<String>();
        for (var in : holders) in.stream().filter(chosen::contains).filter(x -> !order.contains(x)).forEach(order::add);
        return List.copyOf(order);
    }

    static final SourceCodeAnalysis ANALYSIS = JShell.builder().executionEngine("local").build().sourceCodeAnalysis();
    static final Pattern LEADING_OPERATOR = Pattern.compile("^(\\.(?!\\.)|&&|\\|\\||==|!=|<=|>=|\\?|:(?!:)|[-+*/%<>&|^])");

    /**
     * The cell as JShell's /open reads it. The kernel splits a whole cell into snippets; JShell reads a file line
     * by line and runs a snippet as soon as a line could end it (a missing ';' is allowed), so a chain whose next
     * line starts with '.', or a sum whose next line starts with '+', would be cut in two. Where that happens,
     * the operator moves to the end of the line before (before its // comment); the code is the same.
     */
    static String jshellSafe(String cell, String where) {
        var lines = new ArrayList<>(List.of(cell.stripTrailing().split("\n", -1)));
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int cut = earlyCut(lines);
            if (cut < 0) return String.join("\n", lines) + "\n";
            String next = lines.get(cut + 1);
            Matcher operator = LEADING_OPERATOR.matcher(next.strip());
            int comment = commentStart(lines, cut);
            String code = comment < 0 ? lines.get(cut) : lines.get(cut).substring(0, comment);
            String rest = comment < 0 ? "" : lines.get(cut).substring(comment);
            String gap = comment < 0 ? "" : code.substring(code.stripTrailing().length());
            if (operator.find()) {
                String token = operator.group(1);
                String indent = next.substring(0, next.length() - next.stripLeading().length());
                lines.set(cut, code.stripTrailing() + (token.equals(".") ? "." : " " + token) + gap + rest);
                lines.set(cut + 1, indent + next.strip().substring(token.length()).stripLeading());
            } else if (comment < 0) {
                lines.set(cut, code.stripTrailing() + " " + next.strip());
                lines.remove(cut + 1);
            } else {
                throw new IllegalArgumentException(where + ": JShell would end a statement at the line \""
                        + lines.get(cut).strip() + "\" and the next line does not start with an operator that could"
                        + " move up; put the break elsewhere in the notebook");
            }
        }
        throw new IllegalArgumentException(where + ": could not make it readable by JShell's /open");
    }

    /** The first line after which JShell's line-by-line reading would end a snippet that the whole cell continues. */
    static int earlyCut(List<String> lines) {
        String text = String.join("\n", lines);
        // where the snippets end when the cell is read whole, as the kernel does
        var ends = new TreeSet<Integer>();
        int offset = 0;
        String remaining = text;
        while (!remaining.isBlank()) {
            var info = ANALYSIS.analyzeCompletion(remaining);
            if (!info.completeness().isComplete() || info.remaining().length() >= remaining.length()) break;
            offset += remaining.length() - info.remaining().length();
            ends.add(offset);
            remaining = info.remaining();
        }
        // line by line, as /open does
        int start = 0, lineEnd = -1;
        for (int i = 0; i < lines.size() - 1; i++) {
            lineEnd += lines.get(i).length() + 1;
            String sofar = text.substring(start, lineEnd);
            if (sofar.isBlank() || !ANALYSIS.analyzeCompletion(sofar).completeness().isComplete()) continue;
            // the kernel ends a snippet here too when one of its ends is only blanks away from this line end
            Integer after = ends.ceiling(lineEnd), before = ends.floor(lineEnd);
            boolean kernelEndsHere = after != null && ignorable(text.substring(lineEnd, after))
                    || before != null && ignorable(text.substring(before, lineEnd));
            if (!kernelEndsHere && !text.substring(lineEnd).isBlank()) return i;
            start = lineEnd + 1;
        }
        return -1;
    }

    /** Blanks and // comments only. */
    static boolean ignorable(String text) {
        return text.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("//"));
    }

    /** Where a // comment starts on line {@code index}, or -1: strings, chars and text blocks read from the cell's start. */
    static int commentStart(List<String> lines, int index) {
        boolean textBlock = false, block = false;
        for (int i = 0; i <= index; i++) {
            String line = lines.get(i);
            for (int c = 0; c < line.length(); c++) {
                if (block) {
                    if (line.startsWith("*/", c)) { block = false; c++; }
                } else if (textBlock) {
                    if (line.charAt(c) == '\\') c++;
                    else if (line.startsWith("\"\"\"", c)) { textBlock = false; c += 2; }
                } else if (line.startsWith("\"\"\"", c)) {
                    textBlock = true; c += 2;
                } else if (line.charAt(c) == '"' || line.charAt(c) == '\'') {
                    char quote = line.charAt(c);
                    for (c++; c < line.length() && line.charAt(c) != quote; c++) if (line.charAt(c) == '\\') c++;
                } else if (line.startsWith("/*", c)) {
                    block = true; c++;
                } else if (line.startsWith("//", c)) {
                    if (i == index) return c;
                    break;
                }
            }
        }
        return -1;
    }

    /** Lines without indentation or trailing space, blank lines dropped (as the excerpt tests compare them). */
    static List<String> normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    static String text(JsonNode source) {
        if (source.isTextual()) return source.asText();
        var text = new StringBuilder();
        source.forEach(line -> text.append(line.asText()));
        return text.toString();
    }
}
