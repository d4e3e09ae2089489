package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesCsvTest {

    @TempDir
    Path dir;

    /** Python's csv.DictReader reads the file back; rows printed as JSON. */
    static final String PY_DICT_READER = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                print(json.dumps(list(csv.DictReader(f))))
            """;

    @Test
    void withoutArgumentsItReadsTheSampleAndWritesOutputCsvThatPythonReadsBack() throws Exception {
        Path work = dir.resolve("work");
        var run = ScriptRun.run("files-csv", Repo.root(), Map.of("ELKIT_WORK", work.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        // the sample has a BOM, CRLF line ends, a quoted comma, doubled quotes and a quoted newline
        assertThat(run.out())
                .contains("# Method 1: list of lists (header skipped)")
                .contains("header: [\"customer_id\", \"name\", \"email\", \"address\"]")
                .contains("4 fields: [\"102\", \"Smith, Bob\", \"bob@example.com\", \"Flat 3\\n8 High Street\"]\n")
                .contains("{\"customer_id\": \"101\", \"name\": \"Alice Johnson\", \"email\": \"alice@example.com\", \"address\": \"12 Main St\"}")
                .contains("{\"customer_id\": \"103\", \"name\": \"Carol \\\"CJ\\\" Lee\", \"email\": \"carol@example.com\", \"address\": \"5 Oak Ave\"}")
                .contains("Read 3 records from chapters/05-extract-load/data/files/customers.csv")
                .contains("Wrote 3 rows to " + work.resolve("output.csv"));
        Path output = work.resolve("output.csv");
        assertThat(Files.readString(output)).isEqualTo(
                "id,name,balance\r\n101,Alice,5420.5\r\n102,Bob,3210.0\r\n103,\"Carol \"\"CJ\"\" Lee, Jr.\",8750.25\r\n");
        assertThat(Python.run(dir, PY_DICT_READER, output.toString())).isEqualToIgnoringNewLines("""
                [{"id": "101", "name": "Alice", "balance": "5420.5"}, \
                {"id": "102", "name": "Bob", "balance": "3210.0"}, \
                {"id": "103", "name": "Carol \\"CJ\\" Lee, Jr.", "balance": "8750.25"}]""");
        try (var files = Files.list(work)) {
            assertThat(files).containsExactly(output); // no temp file left behind
        }
    }

    @Test
    void itReadsAUsersOwnFileWithLfEndingsAndNoBomAndWritesWhereItIsTold() throws Exception {
        Path mine = dir.resolve("mine.csv");
        Files.writeString(mine, "sku,label\nA-1,\"multi\nline, with comma\"\nB-2,plain\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out.csv");

        var run = ScriptRun.run("files-csv", dir, Map.of(), mine.toString(), out.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Reading " + mine)
                .contains("header: [\"sku\", \"label\"]")
                .contains("{\"sku\": \"A-1\", \"label\": \"multi\\nline, with comma\"}")
                .contains("{\"sku\": \"B-2\", \"label\": \"plain\"}")
                .contains("Read 2 records from " + mine);
        assertThat(out).exists();
        assertThat(Python.run(dir, PY_DICT_READER, out.toString())).contains("\"name\": \"Carol \\\"CJ\\\" Lee, Jr.\"");
    }

    @Test
    void anUnclosedQuoteNamesTheFileAndTheLine() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "id,name\n1,Alice\n2,\"Bob\n3,Carol\n");
        Path out = dir.resolve("out.csv");

        var run = ScriptRun.run("files-csv", dir, Map.of(), bad.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-csv: " + bad
                + " line 3: a quoted field is never closed (EOF reached before encapsulated token finished)");
        assertThat(run.err()).doesNotContain("\tat ");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Path missing = dir.resolve("nope.csv");

        var run = ScriptRun.run("files-csv", dir, Map.of(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-csv: input file " + missing + " does not exist");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anOutputThatIsAFolderIsRefusedAndLeftAlone() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("out.csv"));
        Files.writeString(folder.resolve("keep.txt"), "mine");
        String sample = Repo.path("chapters/05-extract-load/data/files/customers.csv").toString();

        var run = ScriptRun.run("files-csv", dir, Map.of(), sample, folder.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-csv: output " + folder + " is a folder: give a file name");
        assertThat(folder.resolve("keep.txt")).hasContent("mine");
    }
}
