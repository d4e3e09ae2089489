package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.BenchChart;
import elkit.tests.support.ScriptRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-cloud with a tiny size on its own S3Proxy: every row is there and checked. Speed is not asserted. */
class BenchCloudTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunPrintsEveryMethodWithItsChecksumCheckedAndLeavesNoFiles() throws Exception {
        var env = new HashMap<String, String>();
        env.put("AWS_ENDPOINT_URL", null);
        env.put("S3_BUCKET", null);

        var run = ScriptRun.run("bench-cloud", dir, env, "9"); // 9 MB: two parts of 8 MB and 1 MB

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("# MB per second (higher is better), 9 MB, on the local S3Proxy (in memory)", "(5 rows)")
                .containsPattern("plain file copy \\(same disk\\) +\\| copy +\\| +[\\d.]+ +\\| \\d+ +\\| yes")
                .containsPattern("S3 single PUT \\(S3Client\\) +\\| upload +\\| +[\\d.]+ +\\| \\d+ +\\| \\(on download\\)")
                .containsPattern("S3 single GET \\(S3Client\\) +\\| download +\\| +[\\d.]+ +\\| \\d+ +\\| yes")
                .containsPattern("S3 multipart upload, 8 MB parts \\(Transfer Manager\\) +\\| upload +\\|")
                .containsPattern("S3 multipart download \\(Transfer Manager\\) +\\| download +\\| +[\\d.]+ +\\| \\d+ +\\| yes");
        BenchChart.check(dir, "bench-cloud", run, BenchChart.tableFigures(run.out(), "MB/s", "method"));
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("only the chart is left").containsExactly("bench");
        }
    }

    @Test
    void aSizeThatIsNotANumberIsOneLine() {
        var run = ScriptRun.run("bench-cloud", dir, new HashMap<>(), "lots");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-cloud: the size must be a whole number of megabytes above 0, got: lots");
    }
}
