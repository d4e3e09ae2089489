package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input a new user met (issue 13): each gets one line that names the user's own file or URL and
 * the cause, a non-zero exit, no stack trace, no temp-file name, and nothing written.
 */
class ErrorLinesTest {

    static final Path SAMPLES = Repo.path("chapters/05-extract-load/data/files");
    static final String SALES = Repo.path("chapters/05-extract-load/data/sales").resolve("*.parquet").toString();

    @TempDir
    Path dir;

    /** The run failed with exit code 1 and exactly {@code line} on stderr. */
    static void failsWith(ScriptRun run, String line) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).as(run.toString()).containsExactly(line);
    }

    // 1. An output path in a folder the user cannot write

    @ParameterizedTest(name = "{0}")
    @CsvSource({"files-csv, customers.csv, x.csv", "files-json, customers.json, x.json",
            "files-xml, customers.xml, x.xml", "files-excel, customers.xlsx, x.xlsx"})
    void anOutputInAFolderThatTakesNoFilesNamesTheTargetNotTheTempFile(String script, String sample, String out) {
        var run = ScriptRun.run(script, dir, Map.of(), SAMPLES.resolve(sample).toString(), "/proc/" + out);

        failsWith(run, script + ": cannot write /proc/" + out + ": folder /proc does not take new files");
    }

    @Test
    void anOutputOnAReadOnlyFileSystemSaysSo() throws IOException {
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        var mount = ScriptRun.exec(List.of("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", readOnly.toString()), dir, Map.of());
        String reason = "cannot mount a read-only tmpfs here (needs root): " + mount.err().strip();
        if (mount.exitCode() != 0 && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true, but " + reason);
        assumeTrue(mount.exitCode() == 0, reason);
        try {
            var run = ScriptRun.run("files-csv", dir, Map.of(), SAMPLES.resolve("customers.csv").toString(),
                    readOnly.resolve("out.csv").toString());

            failsWith(run, "files-csv: cannot write " + readOnly.resolve("out.csv") + ": read-only file system (folder " + readOnly + ")");
        } finally {
            ScriptRun.exec(List.of("umount", readOnly.toString()), dir, Map.of());
        }
    }

    // 2. A file that is not UTF-8

    @Test
    void randomBytesGivenAsCsvAreNamedAsNotUtf8() throws IOException {
        byte[] bytes = new byte[300];
        new Random(13).nextBytes(bytes);
        bytes[0] = (byte) 0xC3; // a lead byte without its continuation: invalid at offset 0
        bytes[1] = 'x';
        Path random = Files.write(dir.resolve("random.bin"), bytes);

        var run = ScriptRun.run("files-csv", dir, Map.of(), random.toString(), dir.resolve("out.csv").toString());

        failsWith(run, "files-csv: " + random + " is not UTF-8 text (invalid byte at offset 0); it looks like binary data,"
                + " or text in another encoding such as Latin-1: save it as UTF-8");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    @Test
    void anXlsxGivenAsCsvIsRecognisedAsAZip() {
        Path xlsx = SAMPLES.resolve("customers.xlsx");

        var run = ScriptRun.run("files-csv", dir, Map.of(), xlsx.toString(), dir.resolve("out.csv").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).as(run.toString()).singleElement().asString()
                .startsWith("files-csv: " + xlsx + " is not UTF-8 text (invalid byte at offset ")
                .endsWith("; it looks like a zip file (an .xlsx workbook is one)");
    }

    @Test
    void utf16WithAByteOrderMarkIsNamedAsUtf16() throws IOException {
        Path utf16 = Files.write(dir.resolve("utf16.csv"), "id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_16));

        var run = ScriptRun.run("files-csv", dir, Map.of(), utf16.toString(), dir.resolve("out.csv").toString());

        failsWith(run, "files-csv: " + utf16 + " is not UTF-8 text (invalid byte at offset 0); it looks like UTF-16 text"
                + " (it starts with a UTF-16 byte order mark): save it as UTF-8");
    }

    @Test
    void aBatchFileThatIsNotUtf8IsNamedBeforeAnyServerStarts() throws IOException {
        Path latin1 = Files.write(dir.resolve("batch.csv"), "id,name\n1,Zo\u00eb\n".getBytes(StandardCharsets.ISO_8859_1));

        var run = ScriptRun.run("db-postgres", dir, Map.of("PG_URL", "jdbc:postgresql://127.0.0.1:" + Ports.closed() + "/x"),
                latin1.toString());

        failsWith(run, "db-postgres: " + latin1 + " is not UTF-8 text (invalid byte at offset 12); it looks like binary data,"
                + " or text in another encoding such as Latin-1: save it as UTF-8");
        assertThat(run.out()).doesNotContain("started a local PostgreSQL");
    }

    // 3. scrape-html against a closed port

    @Test
    void aClosedPortIsNamedAsARefusedConnectionAndVerboseKeepsTheCause() {
        String url = "http://127.0.0.1:" + Ports.closed();

        var run = ScriptRun.run("scrape-html", dir, Map.of("SCRAPE_URL", url));
        var verbose = ScriptRun.run("scrape-html", dir, Map.of("SCRAPE_URL", url), "--verbose");

        failsWith(run, "scrape-html: GET " + url + " failed: connection refused (nothing listens there)");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).contains("Caused by: java.net.ConnectException");
    }

    // 4. db-duckdb: one readable line instead of DuckDB's page

    @Test
    void anXlsxGivenToDuckdbAsCsvIsOneShortLine() {
        Path xlsx = SAMPLES.resolve("customers.xlsx");

        var run = ScriptRun.run("db-duckdb", dir, Map.of(), xlsx.toString(), SALES);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).as(run.toString()).singleElement().asString()
                .startsWith("db-duckdb: " + xlsx + " is not UTF-8 text")
                .endsWith("it looks like a zip file (an .xlsx workbook is one)")
                .hasSizeLessThan(250);
    }

    @Test
    void aCsvWithoutTheQueriedColumnSaysWhichColumn() throws IOException {
        Path csv = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");

        var run = ScriptRun.run("db-duckdb", dir, Map.of(), csv.toString(), SALES);

        failsWith(run, "db-duckdb: " + csv + " has no column customer_id: the query needs customer_id and order_total");
    }

    @Test
    void aParquetGlobThatMatchesNothingIsOneLine() {
        var run = ScriptRun.run("db-duckdb", dir, Map.of(), Repo.path("chapters/05-extract-load/data/orders.csv").toString(),
                "data/*.parquet");

        failsWith(run, "db-duckdb: cannot query the Parquet files data/*.parquet: IO Error: No files found that match"
                + " the pattern \"data/*.parquet\"");
    }

    // 5. Errors that name the path

    @Test
    void duckdbGivenAFolderSaysItIsAFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("orders"));

        failsWith(ScriptRun.run("db-duckdb", dir, Map.of(), folder.toString()), "db-duckdb: input " + folder + " is a folder, not a file");
    }

    @Test
    void sqliteGivenAFolderOrAnUncreatableFileNamesIt() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("db"));

        failsWith(ScriptRun.run("db-sqlite", dir, Map.of(), folder.toString()),
                "db-sqlite: cannot open database " + folder + ": it is a folder, give a file name");
        var proc = ScriptRun.run("db-sqlite", dir, Map.of(), "/proc/x.db");
        assertThat(proc.exitCode()).as(proc.toString()).isEqualTo(1);
        assertThat(proc.err().lines().toList()).as(proc.toString()).singleElement().asString()
                .startsWith("db-sqlite: cannot open database /proc/x.db: [SQLITE_CANTOPEN]");
    }

    @Test
    void anEmptyXlsxSaysItIsEmpty() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.xlsx"));

        failsWith(ScriptRun.run("files-excel", dir, Map.of(), empty.toString(), dir.resolve("out.xlsx").toString()),
                "files-excel: " + empty + " is not an Excel workbook (.xlsx): it is empty (0 bytes)");
    }

    @Test
    void parquetNamesTheFolderItCannotCreate() {
        failsWith(ScriptRun.run("files-parquet", dir, Map.of(), SAMPLES.resolve("customers.json").toString(), "/proc/x"),
                "files-parquet: cannot create output folder /proc/x: folder /proc does not take new files");
    }

    @Test
    void parquetChecksItsInputBeforeWritingAnything() throws IOException {
        var run = ScriptRun.run("files-parquet", dir, Map.of(), dir.resolve("missing.parquet").toString());

        failsWith(run, "files-parquet: input file " + dir.resolve("missing.parquet") + " does not exist");
        Path work = dir.resolve("work");
        if (Files.exists(work)) {
            try (Stream<Path> written = Files.walk(work)) {
                assertThat(written.filter(Files::isRegularFile)).as("nothing written").isEmpty();
            }
        }
    }
}
