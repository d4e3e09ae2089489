package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.BenchChart;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer benchmark with a tiny file: every copy checked by SHA-256, big files gone; not its speed. */
class BenchTransferTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunCopiesTheFileEveryWayChecksEachCopyAndDrawsItsChart() throws Exception {
        var run = ScriptRun.run("bench-transfer", dir, Map.of(), "1");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines().filter(l -> l.contains(" MB/s   SHA-256 same as the original")).toList())
                .as(run.out()).hasSize(7);
        assertThat(run.out()).containsPattern("local copy \\(Files\\.copy\\) +1 MB in +[\\d.]+ s = +[\\d.]+ MB/s")
                .contains("SFTP upload (JSch put)", "SFTP download (JSch get)", "FTP upload (STOR, passive, binary)",
                        "FTP download (RETR, passive, binary)", "FTPS upload (STOR, PROT P)", "FTPS download (RETR, PROT P)");
        assertThat(dir.resolve("work/bench-transfer").toFile().list()).as("large files deleted").isEmpty();
        var figures = new LinkedHashMap<String, String>();
        var line = Pattern.compile("(?m)^(.+?) +1 MB in +[\\d.]+ s = +([\\d.]+) MB/s   SHA-256 same").matcher(run.out());
        while (line.find()) figures.put(line.group(1), line.group(2));
        assertThat(figures).hasSize(7);
        BenchChart.check(dir, "bench-transfer", run, figures);
    }

    @Test
    void aBadSizeIsAUsageError() {
        var run = ScriptRun.run("bench-transfer", dir, Map.of(), "big");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-transfer: usage: bench-transfer [megabytes]   ('big' is not a number)");
    }
}
