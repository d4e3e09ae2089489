package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.local.LocalSqlServer;
import elkit.tests.support.Chapter;
import elkit.tests.support.S3Clients;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.SkipReasons;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The container path for S3: cloud-s3 against LocalStack in Docker, passed by env vars. Opt-in with
 * ELKIT_DOCKER=1; where that is unset or no Docker engine answers (as on the machine this was
 * written on), it is skipped with the reason.
 */
class CloudS3ContainersTest {

    @TempDir
    Path dir;

    @Test
    void cloudS3AgainstLocalStackInDocker() {
        Assumptions.assumeTrue("1".equals(System.getenv("ELKIT_DOCKER")),
                "the LocalStack path is opt-in: set ELKIT_DOCKER=1 where Docker runs");
        Assumptions.assumeTrue(LocalSqlServer.dockerAvailable(), SkipReasons.NO_DOCKER);
        try (var localstack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
                .withServices(LocalStackContainer.Service.S3)) {
            localstack.start();
            var env = Map.of(
                    "AWS_ENDPOINT_URL", localstack.getEndpoint().toString(),
                    "AWS_ACCESS_KEY_ID", localstack.getAccessKey(),
                    "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey(),
                    "AWS_REGION", localstack.getRegion(),
                    "S3_BUCKET", "my-data-bucket");
            try (var s3 = S3Clients.client(env)) {
                s3.createBucket(b -> b.bucket("my-data-bucket"));
            }

            var run = ScriptRun.run("cloud-s3", dir, env, Chapter.ORDERS.toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Read 40 rows from s3://my-data-bucket/raw/2024/01/data.csv",
                    "Plain HTTP GET of the presigned URL: HTTP 200",
                    "server-side encryption AES256",
                    "Checksum check: SHA-256 of the download matches the original");
        }
    }
}
