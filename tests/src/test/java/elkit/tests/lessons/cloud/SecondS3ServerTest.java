package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.tests.support.BenchChart;
import elkit.tests.support.MotoS3;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * cloud-s3, bench-cloud and exercise 4 against a second S3 implementation besides S3Proxy: moto's server
 * (see {@link MotoS3}). It answers {@code Expect: 100-continue} with two interim {@code 100 Continue}
 * responses, which the SDK's asynchronous (Netty) client took for the answer to UploadPart.
 */
class SecondS3ServerTest {

    static final Path ORDERS = Repo.path("chapters/05-extract-load/data/orders.csv");
    static MotoS3 moto;

    @TempDir
    static Path serverDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        String reason = "moto_server (pip's moto, in this machine's image) is not on PATH";
        if (MotoS3.command().isEmpty() && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true, but " + reason);
        assumeTrue(MotoS3.command().isPresent(), reason);
        moto = new MotoS3(serverDir);
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) moto.close();
    }

    @Test
    void cloudS3RunsEveryStepAndTheSixtyFourMegabyteMultipartTransfer() throws Exception {
        var run = ScriptRun.run("cloud-s3", dir, moto.env(), ORDERS.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .doesNotContain(MotoS3.SECRET_KEY)
                .contains("S3 client for region us-east-1 at " + moto.endpoint + ", access key " + MotoS3.ACCESS_KEY
                        + ", secret ****, bucket " + MotoS3.BUCKET)
                .contains("Read 40 rows from s3://" + MotoS3.BUCKET + "/raw/2024/01/data.csv")
                .contains("Plain HTTP GET of the presigned URL: HTTP 200, first line: order_id,customer_id,order_date,order_total")
                // AES256: moto does what AWS does here (S3Proxy ignores the header); but its web server (Werkzeug) drops
                // request headers with an underscore, so x-amz-meta-upload_date never reaches it (AWS keeps it)
                .contains("s3://" + MotoS3.BUCKET + "/data.csv: metadata {source=api}, content type text/csv,"
                        + " server-side encryption AES256")
                .contains("upload   [##########] 100% 67,108,864/67,108,864 bytes", "download [##########] 100% 67,108,864/67,108,864 bytes")
                .containsPattern("ETag \"[0-9a-f]{32}-8\"") // 64 MB in 8 MB parts
                .contains("Checksum check: SHA-256 of the download matches the original")
                .doesNotContain("S3Proxy ignores GET by part number");
        // the state it left in the bucket
        try (var s3 = moto.client()) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(MotoS3.BUCKET).key("processed/2024/01/data.csv")).asString(StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(ORDERS));
            var large = s3.headObject(b -> b.bucket(MotoS3.BUCKET).key("large/large-64mb.bin"));
            assertThat(large.contentLength()).isEqualTo(64L * 1024 * 1024);
            assertThat(large.eTag()).endsWith("-8\"");
            for (String prefix : List.of("raw/", "data.csv", "old/")) { // by prefix: another test of this class may fill the bucket
                List<String> keys = s3.listObjectsV2(b -> b.bucket(MotoS3.BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
                assertThat(keys).as(prefix).containsExactly(prefix.equals("old/") ? new String[0]
                        : prefix.equals("raw/") ? new String[] {"raw/2024/01/data.csv"} : new String[] {"data.csv"});
            }
        }
        // the parts really went up as UploadPart calls (moto logs each request)
        assertThat(Files.readString(moto.log)).containsPattern("PUT /" + MotoS3.BUCKET + "/large/large-64mb\\.bin\\?[^ ]*partNumber=8");
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("downloaded_data.csv");
        }
    }

    @Test
    void benchCloudMeasuresEveryMethodWithItsChecksumChecked() throws Exception {
        var run = ScriptRun.run("bench-cloud", dir, moto.env(), "9"); // 9 MB: two parts of 8 MB and 1 MB

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("(5 rows)")
                .containsPattern("S3 single GET \\(S3Client\\) +\\| download +\\| +[\\d.]+ +\\| \\d+ +\\| yes")
                .containsPattern("S3 multipart upload, 8 MB parts \\(Transfer Manager\\) +\\| upload +\\|")
                .containsPattern("S3 multipart download \\(Transfer Manager\\) +\\| download +\\| +[\\d.]+ +\\| \\d+ +\\| yes");
        BenchChart.check(dir, "bench-cloud", run, BenchChart.tableFigures(run.out(), "MB/s", "method"));
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("only the chart is left").containsExactly("bench");
        }
    }

    @Test
    void exerciseFoursGraderPassesTheSolutionOnThisServer() throws Exception {
        // the JDK's source launcher, on the test classpath (the SDK and elkit.local are there); its fourth check
        // PUTs 1,100 objects one by one into moto, which takes minutes on a busy machine
        var run = ScriptRun.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.provider=org.slf4j.nop.NOPServiceProvider", "-Dslf4j.internal.verbosity=WARN",
                "-cp", System.getProperty("java.class.path"),
                Repo.path("chapters/05-extract-load/exercises/solutions/ex04-s3-sync.java").toString()), dir, moto.env(),
                java.time.Duration.ofMinutes(10));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("FAIL").contains("Score: 4/4");
        // its uploads are on moto, not on an S3Proxy of its own: 3 + 3 + 4 + 1,100 objects under exports/
        try (var s3 = moto.client()) {
            long objects = 0;
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(MotoS3.BUCKET).prefix("exports/"))) objects += page.keyCount();
            assertThat(objects).isEqualTo(3 + 3 + 4 + 1_100);
        }
    }
}
