package elkit.tests.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pages say matches what the lessons do (issue 13, items 10, 11, 12). */
class PagesMatchOutputTest {

    @TempDir
    Path dir;

    /** {@code ./jbang alias args}, in a code span or a code block, up to a comment or the span's end. */
    static final Pattern COMMAND = Pattern.compile("\\./jbang ([a-z][a-z0-9-]*)((?: +[^`#|\\s]+)*)");
    /** Lessons quick enough to run here for every command a page shows with arguments. */
    static final Set<String> QUICK = Set.of("db-sqlite", "db-duckdb", "files-csv", "files-json", "files-xml",
            "files-excel", "files-parquet");

    static List<String> commandsWithArguments() throws IOException {
        var pages = new ArrayList<Path>(List.of(Repo.path("README.md")));
        try (Stream<Path> md = Files.walk(Repo.path("chapters"))) {
            md.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        var commands = new LinkedHashSet<String>();
        for (Path page : pages) {
            var matcher = COMMAND.matcher(Files.readString(page));
            while (matcher.find()) {
                if (!matcher.group(2).isBlank()) commands.add(matcher.group(1) + matcher.group(2));
            }
        }
        return List.copyOf(commands);
    }

    @Test
    void everyCommandShownWithArgumentsRunsAsWrittenFromTheRepositoryRoot() throws IOException {
        // the repository's data, seen from a scratch folder, so that outputs stay out of the repository
        Files.createSymbolicLink(dir.resolve("chapters"), Repo.path("chapters"));
        var problems = new ArrayList<String>();
        var ran = new ArrayList<String>();
        for (String command : commandsWithArguments()) {
            List<String> words = List.of(command.split(" +"));
            List<String> args = words.subList(1, words.size()).stream().map(w -> w.replaceAll("^'|'$", "")).toList();
            boolean placeholder = args.stream().anyMatch(a -> a.contains("<") || a.startsWith("["));
            boolean showsAnError = command.contains("/no/such/");
            if (placeholder || !QUICK.contains(words.get(0))) {
                // not run here: every argument that names a repository file must exist
                for (String arg : args) {
                    if (arg.startsWith("chapters/") && !placeholder && !Files.exists(Repo.path(arg))) {
                        problems.add(command + ": " + arg + " does not exist");
                    }
                }
                continue;
            }
            var run = ScriptRun.run(words.get(0), dir, Map.of(), args.toArray(String[]::new));
            ran.add(command);
            if ((run.exitCode() == 0) == showsAnError) problems.add("./jbang " + command + " -> " + run);
        }
        assertThat(problems).isEmpty();
        assertThat(ran).as("commands run").anyMatch(c -> c.startsWith("db-duckdb chapters/")).anyMatch(c -> c.startsWith("files-csv chapters/"));
    }

    @Test
    void jsonIsWrittenAsPythonsJsonDumpWithIndent2() throws IOException {
        Path input = Files.writeString(dir.resolve("in.json"),
                "[{\"id\": 1, \"tags\": [], \"meta\": {}, \"name\": \"Zoë\", \"nested\": {\"a\": [1, 2.5, null, true]}}]");
        Path output = dir.resolve("out.json");

        var run = ScriptRun.run("files-json", dir, Map.of(), input.toString(), output.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        // the chapter writes its customers list, whatever file was read
        String python = Python.run(dir, """
                import json
                customers = [
                    {'id': 101, 'name': 'Alice', 'balance': 5420.50},
                    {'id': 102, 'name': 'Bob', 'balance': 3210.00}
                ]
                print(json.dumps(customers, indent=2), end='')
                """);
        assertThat(Files.readString(output)).isEqualTo(python);
        String nested = Python.run(dir, """
                import json, sys
                print(json.dumps(json.load(open(sys.argv[1], encoding='utf-8')), indent=2), end='')
                """, dir.resolve("nested.json").toString());
        assertThat(Files.readString(dir.resolve("nested.json")).stripTrailing()).isEqualTo(nested);
    }

    @Test
    void theSqliteLessonPrintsOneRowOnTheFirstRunAndFiveLater() {
        Path db = dir.resolve("customers.db");

        var first = ScriptRun.run("db-sqlite", dir, Map.of(), db.toString());
        var second = ScriptRun.run("db-sqlite", dir, Map.of(), db.toString());

        String page = Repo.read("chapters/05-extract-load/01-database-drivers.md");
        assertThat(page).contains("`{customer_id=101, name=Alice Johnson, email=alice@example.com, balance=5420.5}`",
                "five rows, with Alice updated in place");
        String rowFactory = "# Rows as column -> value maps (row_factory)\n";
        assertThat(section(first.out(), rowFactory)).isEqualTo(
                "{customer_id=101, name=Alice Johnson, email=alice@example.com, balance=5420.5}\n");
        assertThat(section(second.out(), rowFactory).lines()).hasSize(5)
                .contains("{customer_id=101, name=Alice Johnson, email=alice@example.com, balance=5420.5}");
    }

    /** The lines after {@code heading} up to the next blank line. */
    static String section(String out, String heading) {
        String after = out.substring(out.indexOf(heading) + heading.length());
        return after.substring(0, after.indexOf("\n\n") + 1);
    }
}
