package elkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that ends with work registered: the stops run first, the last registered first, while the scratch
 * folders still exist; then the folders go. A child JVM, so that its exit is real.
 */
class ScratchExitTest {

    /** The child: a scratch folder, two stops that note what they saw, then System.exit as Ctrl-C would end it. */
    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[0]);
        Path folder = Scratch.folder("exit-test");
        Files.writeString(folder.resolve("data"), "x");
        Files.writeString(report, folder + "\n");
        Scratch.atExit(() -> note(report, "first registered, folder there: " + Files.exists(folder.resolve("data"))));
        Scratch.atExit(() -> note(report, "last registered, folder there: " + Files.exists(folder.resolve("data"))));
        System.exit(0);
    }

    static void note(Path report, String line) {
        try {
            Files.writeString(report, line + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void stopsRunLastRegisteredFirstWhileTheFoldersExistThenTheFoldersGo(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.txt");
        var child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"), ScratchExitTest.class.getName(),
                report.toString()).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> lines = Files.readAllLines(report);
        assertThat(lines.subList(1, lines.size())).containsExactly(
                "last registered, folder there: true", "first registered, folder there: true");
        assertThat(Path.of(lines.get(0))).as("the scratch folder, after the JVM ended").doesNotExist();
    }
}
