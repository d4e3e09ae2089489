package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import blue.strategic.parquet.Dehydrator;
import blue.strategic.parquet.ParquetReader;
import blue.strategic.parquet.ParquetWriter;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lesson writes with DuckDB; Apache parquet-java (through parquet-floor) reads the files back. */
class FilesParquetTest {

    @TempDir
    Path dir;

    @Test
    void withoutArgumentsItWritesSnappyParquetAndAHivePartitionedSet() throws Exception {
        var run = ScriptRun.run("files-parquet", dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        Path work = dir.resolve("work");
        assertThat(run.out())
                .contains("Wrote " + work.resolve("customers.parquet"))
                .contains("        102 | Bob   |  3210.0")
                .contains("customer_id | SNAPPY      |          3")
                // pq.read_table(...) then table.to_pandas(): a table of its own with its schema, then its rows
                .contains("# Read with more control: into a table (pq.read_table), then into rows (to_pandas)\n"
                        + "column_name | column_type\n------------+------------\ncustomer_id | INTEGER\nname        | VARCHAR\n"
                        + "balance     | DOUBLE\n(3 rows)\n"
                        + "to_pandas(): 3 rows as column -> value maps, the first {customer_id=101, name=Alice, balance=5420.5}\n")
                // columns=['customer_id', 'balance']: named as the chapter names them
                .contains("# Read specific columns: customer_id, balance\ncustomer_id | balance\n")
                .contains("        103 | 8750.25\n(3 rows)")
                .contains("  partitioned/date=2024-01-01/data_0.parquet\n  partitioned/date=2024-01-02/data_0.parquet")
                .contains("        103 | Carol | 8750.25 | 2024-01-01")
                .contains("On 2024-01-01: {customers=2, balance=14170.75}");

        // a second implementation reads the file: same rows, every column chunk snappy-compressed
        Path customers = work.resolve("customers.parquet");
        assertThat(rows(customers)).containsExactly(
                List.of("customer_id=101", "name=Alice", "balance=5420.5"), List.of("customer_id=102", "name=Bob", "balance=3210.0"), List.of("customer_id=103", "name=Carol", "balance=8750.25"));
        assertThat(columns(customers)).containsExactly("customer_id", "name", "balance");
        assertThat(codecs(customers)).containsOnly(CompressionCodecName.SNAPPY);

        // hive layout: the date lives in the folder name, not in the files
        Path day1 = work.resolve("partitioned/date=2024-01-01");
        Path day2 = work.resolve("partitioned/date=2024-01-02");
        try (Stream<Path> all = Files.walk(work.resolve("partitioned"))) {
            assertThat(all.filter(Files::isRegularFile)).containsExactlyInAnyOrder(
                    day1.resolve("data_0.parquet"), day2.resolve("data_0.parquet"));
        }
        assertThat(rows(day1.resolve("data_0.parquet"))).containsExactlyInAnyOrder(
                List.of("customer_id=101", "name=Alice", "balance=5420.5"), List.of("customer_id=103", "name=Carol", "balance=8750.25"));
        assertThat(rows(day2.resolve("data_0.parquet"))).containsExactly(List.of("customer_id=102", "name=Bob", "balance=3210.0"));
        assertThat(codecs(day2.resolve("data_0.parquet"))).containsOnly(CompressionCodecName.SNAPPY);
        try (var files = Files.list(work)) { // no temp file or folder left behind
            assertThat(files).containsExactlyInAnyOrder(customers, work.resolve("partitioned"));
        }
    }

    @Test
    void anOldPartitionedSetIsReplacedAsAWhole() throws Exception {
        Path out = dir.resolve("out");
        Path stale = Files.createDirectories(out.resolve("partitioned/date=1999-12-31"));
        Files.writeString(stale.resolve("data_0.parquet"), "stale");

        // the input is the file the lesson writes first, in the same output folder
        var run = ScriptRun.run("files-parquet", dir, Map.of(), out.resolve("customers.parquet").toString(), out.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        try (var days = Files.list(out.resolve("partitioned"))) {
            assertThat(days.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("date=2024-01-01", "date=2024-01-02");
        }
        try (var files = Files.list(out)) {
            assertThat(files).containsExactlyInAnyOrder(out.resolve("customers.parquet"), out.resolve("partitioned"));
        }
    }

    @Test
    void itReadsAUsersOwnParquetFileWrittenByAnotherLibrary() throws Exception {
        Path mine = dir.resolve("inventory.parquet");
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sku")
                .required(PrimitiveTypeName.INT64).named("qty")
                .required(PrimitiveTypeName.DOUBLE).named("price")
                .named("inventory");
        Dehydrator<Object[]> dehydrator = (row, out) -> {
            out.write("sku", row[0]);
            out.write("qty", row[1]);
            out.write("price", row[2]);
        };
        try (var writer = ParquetWriter.writeFile(schema, mine.toFile(), dehydrator)) {
            writer.write(new Object[] {"A-1", 5L, 2.5});
            writer.write(new Object[] {"B-2", 7L, 10.0});
        }

        var run = ScriptRun.run("files-parquet", dir, Map.of(), mine.toString(), dir.resolve("out").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("# Read Parquet: " + mine)
                .contains("A-1 |   5 |   2.5", "B-2 |   7 |  10.0", "(2 rows)")
                .contains("to_pandas(): 2 rows as column -> value maps, the first {sku=A-1, qty=5, price=2.5}")
                // the chapter's columns=['customer_id', 'balance'] are not in this file: said in one line, and on
                .contains("# Read specific columns: customer_id, balance\nNot in " + mine
                        + ": Binder Error: Referenced column \"customer_id\" not found in FROM clause!")
                .contains("# Write with partitioning by date");
    }

    @Test
    void aFileThatIsNotParquetIsOneClearLine() throws Exception {
        Path notParquet = dir.resolve("notes.parquet");
        Files.writeString(notParquet, "just some text\n");

        var run = ScriptRun.run("files-parquet", dir, Map.of(), notParquet.toString(), dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-parquet: " + notParquet
                + " is not a readable Parquet file: Invalid Input Error: No magic bytes found at end of file '" + notParquet + "'");
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Path missing = dir.resolve("nope.parquet");

        var run = ScriptRun.run("files-parquet", dir, Map.of(), missing.toString(), dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-parquet: input file " + missing + " does not exist");
    }

    private static List<List<String>> rows(Path file) throws IOException {
        try (Stream<String[]> rows = ParquetReader.streamContentToStrings(file.toFile())) {
            return rows.map(List::of).toList();
        }
    }

    private static List<String> columns(Path file) throws IOException {
        return ParquetReader.readMetadata(file.toFile()).getFileMetaData().getSchema().getFields().stream()
                .map(field -> field.getName()).toList();
    }

    private static List<CompressionCodecName> codecs(Path file) throws IOException {
        return ParquetReader.readMetadata(file.toFile()).getBlocks().stream()
                .flatMap(block -> block.getColumns().stream()).map(column -> column.getCodec()).toList();
    }
}
