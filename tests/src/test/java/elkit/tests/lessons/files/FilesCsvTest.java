package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
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
        // the sample has a BOM, CRLF line ends, a quoted comma, doubled quotes and a quoted newline (in its 4th column)
        String nameEmail = "Alice Johnson: alice@example.com\nSmith, Bob: bob@example.com\nCarol \"CJ\" Lee: carol@example.com\n";
        assertThat(run.out())
                .contains("# Method 1: list of lists (header skipped), fields by position\n" + nameEmail)
                .contains("# Method 2: dictionary reader, fields by column name (DictReader)\n" + nameEmail)
                .doesNotContain("by position the first three columns")
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
        Files.writeString(mine, "customer_id,name,email\n7,\"Multi\nLine, Jr.\",m@example.com\n8,Plain,p@example.com\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out.csv");

        var run = ScriptRun.run("files-csv", dir, Map.of(), mine.toString(), out.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Reading " + mine)
                .contains("Multi\nLine, Jr.: m@example.com\nPlain: p@example.com\n")
                .contains("Read 2 records from " + mine);
        assertThat(out).exists();
        assertThat(Python.run(dir, PY_DICT_READER, out.toString())).contains("\"name\": \"Carol \\\"CJ\\\" Lee, Jr.\"");
    }

    @Test
    void method1ReadsByPositionAndMethod2ByNameSoOnlyMethod2SurvivesAnotherColumnOrder() throws Exception {
        Path reordered = Files.writeString(dir.resolve("reordered.csv"), "email,name,customer_id\nann@example.com,Ann,1\n");

        var run = ScriptRun.run("files-csv", dir, Map.of(), reordered.toString(), dir.resolve("out.csv").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                // customer_id, name, email = row: the third field is the id here
                .contains("# Method 1: list of lists (header skipped), fields by position\n"
                        + "(by position the first three columns are [email, name, customer_id]: Method 2 reads by name)\n"
                        + "Ann: 1\n")
                // row['name'], row['email']: found by the header, wherever they stand
                .contains("# Method 2: dictionary reader, fields by column name (DictReader)\nAnn: ann@example.com\n");
    }

    @Test
    void aFileWithoutTheChaptersColumnsOrWithAShortRowIsOneClearLine() throws Exception {
        Path sku = Files.writeString(dir.resolve("sku.csv"), "sku,label\nA-1,plain\n");
        Path shortRow = Files.writeString(dir.resolve("short.csv"), "customer_id,name,email\n1,Ann\n");
        Path out = dir.resolve("out.csv");

        var noColumns = ScriptRun.run("files-csv", dir, Map.of(), sku.toString(), out.toString());
        var tooShort = ScriptRun.run("files-csv", dir, Map.of(), shortRow.toString(), out.toString());

        assertThat(noColumns.exitCode()).isEqualTo(1);
        assertThat(noColumns.err().lines().toList()).containsExactly("files-csv: " + sku
                + " has the columns [sku, label]; the chapter's code needs at least three, among them name and email");
        assertThat(tooShort.exitCode()).isEqualTo(1);
        assertThat(tooShort.err().lines().toList()).containsExactly("files-csv: " + shortRow
                + " has a row with fewer than 3 fields: customer_id, name, email = row needs 3");
        assertThat(out).doesNotExist();
    }

    @Test
    void anUnclosedQuoteNamesTheFileAndTheLine() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "customer_id,name,email\n1,Alice,a@example.com\n2,\"Bob,b@example.com\n3,Carol,c@example.com\n");
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
