package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing half written, for real: the lesson writes onto a 64 KiB file system (a tmpfs) that fills
 * up in the middle of the write. The old output must stay as it was and no temp file may remain.
 * Mounting needs root, as in CI; elsewhere the test is skipped with that reason.
 */
class PartialWriteTest {

    @TempDir
    Path dir;

    Path full;

    @BeforeEach
    void mountASmallFileSystem() throws IOException {
        full = Files.createDirectories(dir.resolve("full"));
        var mount = ScriptRun.exec(List.of("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full.toString()), dir, Map.of());
        String reason = "cannot mount a small tmpfs here (needs root): " + mount.err().strip();
        if (mount.exitCode() != 0 && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true, but " + reason);
        }
        assumeTrue(mount.exitCode() == 0, reason);
    }

    @AfterEach
    void unmount() {
        ScriptRun.exec(List.of("umount", full.toString()), dir, Map.of());
    }

    @Test
    void aJsonWriteThatRunsOutOfSpaceLeavesTheOldOutputAndNoTempFile() throws IOException {
        var big = new StringBuilder("[");
        for (int i = 0; i < 4_000; i++) {
            if (i > 0) big.append(',');
            big.append("{\"id\":").append(i).append(",\"name\":\"Customer ").append(i).append("\",\"balance\":").append(i * 1.5).append('}');
        }
        Path input = Files.writeString(dir.resolve("big.json"), big.append(']'));
        Path output = Files.writeString(full.resolve("output.json"), "[\"the previous, complete output\"]\n");
        // the lesson writes the chapter's two customers (134 bytes), whatever it read: fill the small file
        // system to the last byte, so that even that short output cannot fit
        try {
            Files.write(full.resolve("filler.bin"), new byte[128 * 1024]);
        } catch (IOException expected) {
            // No space left on device: the file system is now full
        }

        var run = ScriptRun.run("files-json", dir, Map.of(), input.toString(), output.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().lines().toList()).as(run.toString()).hasSize(1);
        assertThat(run.err()).startsWith("files-json: ").contains("No space left on device").doesNotContain("\tat ");
        assertThat(Files.readString(output)).isEqualTo("[\"the previous, complete output\"]\n");
        try (Stream<Path> left = Files.list(full)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("filler.bin", "output.json");
        }
    }

    @Test
    void aCsvWriteThatRunsOutOfSpaceLeavesNoPartialFile() throws IOException {
        var big = new StringBuilder("customer_id,name,email,address\n");
        for (int i = 0; i < 3_000; i++) {
            big.append(i).append(",Customer ").append(i).append(",c").append(i).append("@example.com,\"").append(i).append(" Main St, Springfield\"\n");
        }
        Path input = Files.writeString(dir.resolve("big.csv"), big);
        Path output = full.resolve("output.csv");
        // fill the small file system to the last byte, so that even the lesson's short output cannot fit
        try {
            Files.write(full.resolve("filler.bin"), new byte[128 * 1024]);
        } catch (IOException expected) {
            // No space left on device: the file system is now full
        }

        var run = ScriptRun.run("files-csv", dir, Map.of(), input.toString(), output.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("files-csv: ").contains("No space left on device").doesNotContain("\tat ");
        assertThat(output).doesNotExist();
        try (Stream<Path> left = Files.list(full)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("filler.bin");
        }
    }
}
