package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The header every script needs to run on its own under JBang: a missing //SOURCES line would only
 * fail in a classroom, so it fails here first.
 */
class ScriptHeadersTest {

    static final Path LIB = Repo.path("lib/src/main/java");

    static List<Path> scripts() {
        return Repo.scripts();
    }

    /** Every helper class of the library by simple name: Db -> lib/src/main/java/elkit/Db.java. */
    static Map<String, Path> helpers() throws IOException {
        var helpers = new TreeMap<String, Path>();
        try (Stream<Path> files = Files.walk(LIB)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .forEach(p -> helpers.put(p.getFileName().toString().replace(".java", ""), p));
        }
        return helpers;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void theHeaderMakesTheScriptRunnableOnItsOwn(Path script) throws IOException {
        var lines = Files.readAllLines(script);
        String name = Repo.scriptName(script);

        assertThat(lines.get(0)).isEqualTo("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?");
        assertThat(lines).contains("//JAVA 17+");
        assertThat(lines).anyMatch(l -> l.startsWith("//DESCRIPTION ") && l.length() > 30);
        assertThat(String.join("\n", lines)).containsPattern("(?m)^class " + Repo.scriptClass(name) + " \\{");
        assertThat(lines).noneMatch(l -> l.startsWith("//SOURCES") && l.contains("*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void everyHelperItUsesIsListedInSources(Path script) throws IOException {
        var helpers = helpers();
        var sourced = new LinkedHashSet<Path>();
        for (String line : Files.readAllLines(script)) {
            if (line.startsWith("//SOURCES ")) {
                Path source = script.getParent().resolve(line.substring(10).trim()).normalize();
                assertThat(source).as(line).isRegularFile();
                sourced.add(source);
            }
        }
        // the script's own code, and each sourced helper, may only use helpers that are sourced too
        var missing = new ArrayList<String>();
        var toCheck = new ArrayList<Path>(List.of(script));
        toCheck.addAll(sourced);
        for (Path file : toCheck) {
            for (String used : helpersUsedBy(file, helpers)) {
                Path needed = helpers.get(used);
                if (!needed.equals(file) && !sourced.contains(needed)) {
                    missing.add("//SOURCES ../" + Repo.root().relativize(needed) + "   (used by " + file.getFileName() + ")");
                }
            }
        }
        assertThat(missing).as("lines missing from " + script.getFileName()).isEmpty();
    }

    /**
     * Helpers a file uses: the elkit classes it imports (scripts must import them one by one) and,
     * in the library, the classes of its own package it names.
     */
    private static Set<String> helpersUsedBy(Path file, Map<String, Path> helpers) throws IOException {
        String code = Files.readString(file)
                .replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"")
                .replaceAll("(?m)//.*$", "");
        assertThat(code).as(file + " imports elkit classes one by one").doesNotContainPattern("import\\s+elkit\\.[\\w.]*\\*");
        var used = new LinkedHashSet<String>();
        helpers.forEach((name, path) -> {
            boolean imported = Pattern.compile("import\\s+(static\\s+)?elkit\\.(local\\.)?" + name + "\\b").matcher(code).find();
            boolean samePackage = file.startsWith(LIB) && path.getParent().equals(file.getParent())
                    && Pattern.compile("\\b" + name + "\\b").matcher(code).find();
            if (imported || samePackage) used.add(name);
        });
        return used;
    }
}
