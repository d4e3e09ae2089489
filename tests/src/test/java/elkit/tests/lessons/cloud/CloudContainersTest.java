package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import elkit.local.LocalAzurite;
import elkit.local.LocalSqlServer;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The opt-in container path for the cloud lessons (ELKIT_DOCKER=1 where Docker runs): Azurite's
 * own image, and fake-gcs-server, the only way cloud-gcs meets a GCS-like HTTP server here.
 * Without Docker or without the opt-in these are skipped, with the reason.
 */
class CloudContainersTest {

    static boolean docker;

    @TempDir
    Path dir;

    @BeforeAll
    static void checkDocker() {
        docker = "1".equals(System.getenv("ELKIT_DOCKER")) && LocalSqlServer.dockerAvailable();
    }

    static void assumeDocker() {
        Assumptions.assumeTrue(docker, "the container path runs only with ELKIT_DOCKER=1 where a Docker engine answers"
                + " (ELKIT_DOCKER=" + System.getenv("ELKIT_DOCKER") + ")");
    }

    static String sample() {
        return Repo.path("chapters/05-extract-load/data/files/customers.csv").toString();
    }

    @Test
    void cloudAzureAgainstAzuriteInDocker() {
        assumeDocker();
        try (var azurite = new GenericContainer<>("mcr.microsoft.com/azure-storage/azurite:" + LocalAzurite.VERSION)
                .withCommand("azurite-blob", "--blobHost", "0.0.0.0", "--inMemoryPersistence", "--disableTelemetry")
                .withExposedPorts(10000)) {
            azurite.start();
            String endpoint = "http://" + azurite.getHost() + ":" + azurite.getMappedPort(10000) + "/" + LocalAzurite.ACCOUNT;

            String connectionString = "DefaultEndpointsProtocol=http;AccountName=" + LocalAzurite.ACCOUNT
                    + ";AccountKey=" + LocalAzurite.KEY + ";BlobEndpoint=" + endpoint + ";";
            var container = new BlobServiceClientBuilder().connectionString(connectionString).buildClient()
                    .getBlobContainerClient("lesson-data");
            container.create();

            var run = ScriptRun.run("cloud-azure", dir, Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString,
                    "AZURE_CONTAINER", "lesson-data"), sample());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Container lesson-data exists", "same as the uploaded file: true");
            assertThat(container.getBlobClient("raw/data.csv").exists()).isTrue();
        }
    }

    @Test
    void cloudGcsAgainstFakeGcsServerInDocker() throws Exception {
        assumeDocker();
        try (var gcs = new GenericContainer<>("fsouza/fake-gcs-server:1.52.2")
                .withCommand("-scheme", "http", "-port", "4443")
                .withExposedPorts(4443)
                .waitingFor(Wait.forHttp("/storage/v1/b").forPort(4443))) {
            gcs.start();
            String host = "http://" + gcs.getHost() + ":" + gcs.getMappedPort(4443);
            // Resumable uploads come back with a Location on the server's external URL: make it the mapped port
            var config = HttpRequest.newBuilder(URI.create(host + "/_internal/config"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"externalUrl\": \"" + host + "\"}")).build();
            assertThat(HttpClient.newHttpClient().send(config, HttpResponse.BodyHandlers.discarding()).statusCode()).isLessThan(300);

            var run = ScriptRun.run("cloud-gcs", dir, Map.of("STORAGE_EMULATOR_HOST", host, "GCS_BUCKET", ""), sample());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).doesNotContain("stand-in").contains(
                    "Created bucket elkit-lesson on the emulator",
                    "raw/2024/01/customers.csv - ",
                    "Metadata of raw/data.csv now: {processed=false, source=api}");
            assertThat(dir.resolve("work/downloaded_data.csv")).hasSameTextualContentAs(Path.of(sample()));
        }
    }
}
