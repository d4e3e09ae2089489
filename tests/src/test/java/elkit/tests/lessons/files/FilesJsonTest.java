package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesJsonTest {

    @TempDir
    Path dir;

    /** Python's json module: are the two files the same document? */
    static final String PY_SAME_DOCUMENT = """
            import json, sys
            a, b = (json.load(open(p, encoding='utf-8')) for p in sys.argv[1:3])
            print(a == b)
            """;

    /** What the chapter's "Writing JSON" writes: json.dump(customers, f, indent=2), the list built in code. */
    static final String PY_CHAPTER_CUSTOMERS = """
            import json
            customers = [
                {'id': 101, 'name': 'Alice', 'balance': 5420.50},
                {'id': 102, 'name': 'Bob', 'balance': 3210.00}
            ]
            print(json.dumps(customers, indent=2), end='')
            """;

    @Test
    void withoutArgumentsItReadsTheSampleWritesTheChaptersCustomersListAndTheNestedDocument() throws Exception {
        Path work = dir.resolve("work");
        var run = ScriptRun.run("files-json", Repo.root(), Map.of("ELKIT_WORK", work.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("# Reading JSON: chapters/05-extract-load/data/files/customers.json")
                .contains("Read a JSON array of 3 entries")
                .contains("Alice is 30")
                .contains("As a tree:    Alice <alice@example.com>, 2 orders")
                .contains("  order 2: 149.99")
                .contains("As records:   Alice ordered 2 times, 249.98 in total")
                .contains("Equal to what was written: true");
        Path output = work.resolve("output.json");
        // the chapter's customers list, built in code, byte for byte as Python's json.dump(indent=2) writes it
        String chapters = Python.run(dir, PY_CHAPTER_CUSTOMERS);
        assertThat(Files.readString(output)).isEqualTo(chapters)
                .startsWith("[\n  {\n    \"id\": 101,\n    \"name\": \"Alice\",\n    \"balance\": 5420.5\n  },");
        assertThat(run.out()).contains("Wrote 2 customers to " + output, "# Pretty printing\n" + chapters + "\n");

        Path expectedNested = dir.resolve("expected-nested.json");
        Files.writeString(expectedNested, """
                {"customer": {"id": 101, "profile": {"name": "Alice", "email": "alice@example.com"},
                 "orders": [{"order_id": 1, "total": 99.99}, {"order_id": 2, "total": 149.99}]}}""");
        assertThat(Python.run(dir, PY_SAME_DOCUMENT, expectedNested.toString(), work.resolve("nested.json").toString()))
                .isEqualTo("True\n");
        try (var files = Files.list(work)) {
            assertThat(files).containsExactlyInAnyOrder(output, work.resolve("nested.json"));
        }
    }

    @Test
    void itReadsAUsersOwnFileAndWritesWhereItIsTold() throws Exception {
        Path mine = dir.resolve("mine.json");
        Files.writeString(mine, "{\"città\": \"Zürich\", \"n\": [1, 2.5, null, true], \"deep\": {\"x\": {}}}");
        Path out = dir.resolve("pretty.json");

        var run = ScriptRun.run("files-json", dir, Map.of(), mine.toString(), out.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Read a JSON object of 3 entries").contains("Wrote " + dir.resolve("nested.json"));
        // what is written is the chapter's list built in code, not the file just read
        assertThat(out).hasContent(Python.run(dir, PY_CHAPTER_CUSTOMERS));
    }

    @Test
    void invalidJsonNamesTheFileLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"a\": 1,\n \"b\": }\n");
        Path out = dir.resolve("out.json");

        var run = ScriptRun.run("files-json", dir, Map.of(), bad.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly(
                "files-json: " + bad + " line 2, column 7: Unexpected character ('}' (code 125)): expected a value");
        assertThat(run.err()).doesNotContain("\tat ");
        assertThat(out).doesNotExist();
    }

    @Test
    void trailingContentAndAnEmptyFileAreRefusedToo() throws Exception {
        Path trailing = dir.resolve("two.json");
        Files.writeString(trailing, "[1]\n[2]\n");
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");

        var two = ScriptRun.run("files-json", dir, Map.of(), trailing.toString());
        var none = ScriptRun.run("files-json", dir, Map.of(), empty.toString());

        assertThat(two.exitCode()).isEqualTo(1);
        assertThat(two.err()).startsWith("files-json: " + trailing + " line 2, column 1: Trailing token");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err().lines().toList()).containsExactly("files-json: " + empty + " is empty: no JSON document in it");
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Path missing = dir.resolve("nope.json");

        var run = ScriptRun.run("files-json", dir, Map.of(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-json: input file " + missing + " does not exist");
    }
}
