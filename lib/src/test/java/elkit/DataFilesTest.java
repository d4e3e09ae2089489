package elkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {

    @TempDir
    Path dir;

    @Test
    void theSampleIsFoundFromTheRepositoryRootAndFromASubfolder() throws IOException {
        Path samples = Files.createDirectories(dir.resolve(DataFiles.SAMPLES));
        Files.writeString(samples.resolve("a.csv"), "x\n");
        Path scripts = Files.createDirectories(dir.resolve("scripts"));

        assertThat(DataFiles.sample(dir, "a.csv")).hasContent("x");
        assertThat(DataFiles.sample(scripts, "a.csv")).hasContent("x");
        assertThatThrownBy(() -> DataFiles.sample(dir, "missing.csv"))
                .isInstanceOf(Cli.Failure.class)
                .hasMessage("sample file chapters/05-extract-load/data/files/missing.csv not found: "
                        + "run from the repository root or from scripts/ (or give a path)");
    }

    @Test
    void aGivenInputMustBeAnExistingFile() {
        String missing = dir.resolve("nope.csv").toString();
        assertThatThrownBy(() -> DataFiles.input(List.of(missing), 0, "unused"))
                .isInstanceOf(Cli.Failure.class).hasMessage("input file " + missing + " does not exist");
        assertThatThrownBy(() -> DataFiles.input(List.of(dir.toString()), 0, "unused"))
                .isInstanceOf(Cli.Failure.class).hasMessage("input " + dir + " is a folder, not a file");
    }

    @Test
    void anOutputInAMissingFolderIsRefused() {
        Path out = dir.resolve("no-such-folder").resolve("out.csv");
        assertThatThrownBy(() -> DataFiles.output(List.of(out.toString()), 0, "unused"))
                .isInstanceOf(Cli.Failure.class)
                .hasMessage("cannot write " + out + ": folder " + out.getParent() + " does not exist");
    }

    @Test
    void theReaderSkipsAByteOrderMark() throws IOException {
        Path withBom = dir.resolve("bom.csv");
        Files.write(withBom, "\uFEFFid,name\n".getBytes(StandardCharsets.UTF_8));
        Path without = dir.resolve("plain.csv");
        Files.writeString(without, "id,name\n");

        try (var reader = DataFiles.reader(withBom)) {
            assertThat(reader.readLine()).isEqualTo("id,name");
        }
        try (var reader = DataFiles.reader(without)) {
            assertThat(reader.readLine()).isEqualTo("id,name");
        }
    }

    @Test
    void aSuccessfulWriteReplacesTheTargetAndLeavesNoTempFile() throws Exception {
        Path target = dir.resolve("out.csv");
        Files.writeString(target, "old");

        DataFiles.writeAtomically(target, temp -> Files.writeString(temp, "new"));

        assertThat(target).hasContent("new");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aFailedWriteLeavesNoPartialFileAndKeepsTheOldOne() throws Exception {
        Path fresh = dir.resolve("fresh.csv");
        Path existing = dir.resolve("existing.csv");
        Files.writeString(existing, "old");

        for (Path target : List.of(fresh, existing)) {
            assertThatThrownBy(() -> DataFiles.writeAtomically(target, temp -> {
                Files.writeString(temp, "half");
                throw new IOException("disk full");
            })).hasMessage("disk full");
        }

        assertThat(fresh).doesNotExist();
        assertThat(existing).hasContent("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(existing);
        }
    }

    @Test
    void aFolderIsReplacedAsAWhole() throws Exception {
        Path target = dir.resolve("partitioned");
        Files.createDirectories(target.resolve("date=old"));

        DataFiles.writeAtomically(target, temp -> Files.createDirectories(temp.resolve("date=2024-01-01")));

        try (var files = Files.list(target)) {
            assertThat(files).containsExactly(target.resolve("date=2024-01-01"));
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aReaderOfBytesThatAreNotUtf8FailsWithOneLineNamingTheFile() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.csv"), "id,name\n1,Zo\u00eb\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> DataFiles.readLines(latin1))
                .isInstanceOf(Cli.Failure.class)
                .hasMessage(latin1 + " is not UTF-8 text (invalid byte at offset 12); it looks like binary data,"
                        + " or text in another encoding such as Latin-1: save it as UTF-8");
        assertThat(DataFiles.isUtf8(latin1)).isFalse();
        Path utf8 = Files.writeString(dir.resolve("utf8.csv"), "\uFEFFid,name\n1,Zo\u00eb\n");
        assertThat(DataFiles.readLines(utf8)).containsExactly("id,name", "1,Zo\u00eb");
        assertThat(DataFiles.isUtf8(utf8)).isTrue();
    }

    @Test
    void whatAFileLooksLikeFromItsFirstBytes() {
        assertThat(DataFiles.looksLike(new byte[] {'P', 'K', 3, 4, 0})).startsWith("a zip file");
        assertThat(DataFiles.looksLike(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a', 0})).startsWith("UTF-16 text (it starts with");
        assertThat(DataFiles.looksLike(new byte[] {'a', 0, 'b', 0})).startsWith("UTF-16 text without");
        assertThat(DataFiles.looksLike(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0})).isEqualTo("an Excel 97-2003 .xls file");
        assertThat(DataFiles.looksLike(new byte[] {'P', 'A', 'R', '1'})).isEqualTo("a Parquet file");
    }

    @Test
    void aWriteIntoAFolderThatTakesNoFilesNamesTheTargetNotTheTempFile() {
        Path target = Path.of("/proc/out.csv");

        assertThatThrownBy(() -> DataFiles.writeAtomically(target, temp -> Files.writeString(temp, "x")))
                .isInstanceOf(Cli.Failure.class)
                .hasMessage("cannot write /proc/out.csv: folder /proc does not take new files");
    }

    @Test
    void aWriterErrorThatNamesTheTempFileIsToldWithTheTarget() {
        Path target = dir.resolve("out.csv");

        assertThatThrownBy(() -> DataFiles.writeAtomically(target, temp -> {
            throw new java.nio.file.FileSystemException(temp.toString(), null, "disk on fire");
        })).isInstanceOf(Cli.Failure.class).hasMessage("cannot write " + target + ": " + target + ": disk on fire");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void anErrorThatIsNotTheFileSystemsIsLeftToTheCallerToExplain() {
        Path target = dir.resolve("download.bin");
        var cutOff = new IOException("Failed to read response into file: elsewhere: Premature end of body");

        assertThatThrownBy(() -> DataFiles.writeAtomically(target, temp -> {
            throw new IOException("Failed to read response into file: " + temp, cutOff);
        })).isInstanceOf(IOException.class).isNotInstanceOf(Cli.Failure.class).hasCause(cutOff);
        assertThat(dir).as("nothing half written").isEmptyDirectory();
    }
}
