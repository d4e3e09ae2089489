package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-gcs. No GCS server or emulator runs on these machines, so the lesson path is tested on its
 * in-memory stand-in (google-cloud-nio's LocalStorageHelper), and the STORAGE_EMULATOR_HOST path
 * only as far as a recorder shows: the client sends its JSON API calls to that host, and a 404 for
 * the bucket becomes one clear line. Uploads and downloads over HTTP are untested here.
 */
class CloudGcsTest {

    @TempDir
    Path dir;

    static String sample() {
        return Repo.path("chapters/05-extract-load/data/files/customers.csv").toString();
    }

    static Map<String, String> noTarget() {
        return Map.of("GCS_BUCKET", "", "STORAGE_EMULATOR_HOST", "");
    }

    @Test
    void runsTheChaptersStepsOnTheInMemoryStandInAndSaysSoFirst() throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, "order_id,total\n1001,672.77\n1002,759.51\n");

        var run = ScriptRun.run("cloud-gcs", dir, noTarget(), input.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines().findFirst().orElse("")).isEqualTo("[elkit] GCS_BUCKET and STORAGE_EMULATOR_HOST are not set:"
                + " running on google-cloud-nio's LocalStorageHelper, an in-memory stand-in for GCS inside this JVM (no HTTP, no server); it is gone at the end");
        assertThat(run.out()).contains(
                "The stand-in has no buckets: storage.get(\"elkit-lesson\") returned null (on GCS it returns the bucket)",
                "Uploaded orders.csv (39 bytes) to gs://elkit-lesson/raw/data.csv",
                "Downloaded gs://elkit-lesson/raw/data.csv to " + dir.resolve("work/downloaded_data.csv") + " (39 bytes)",
                "raw/2024/01/customers.csv - 39 bytes",
                "raw/2024/02/customers.csv - 39 bytes",
                "(the stand-in lists in no set order; GCS lists by name)",
                "Read 39 bytes; first line: order_id,total",
                "The stand-in's storage.update returned null and saved nothing (GCS patches the blob)",
                "Metadata of raw/data.csv now: {processed=false, source=api}");
        assertThat(run.out()).doesNotContain("raw/data.csv - ");  // the listing is under raw/2024/ only
        assertThat(dir.resolve("work/downloaded_data.csv")).hasSameTextualContentAs(input);
        assertThat(run.err()).as("no library logging on the learner's screen").isEmpty();
    }

    @Test
    void aMissingBlobIsNamedAndTheOlderFileStays() throws Exception {
        Path older = dir.resolve("work/downloaded_data.csv");
        Files.createDirectories(older.getParent());
        Files.writeString(older, "the older file\n");

        var run = ScriptRun.run("cloud-gcs", dir, noTarget(), sample(), "raw/missing.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-gcs: blob gs://elkit-lesson/raw/missing.csv does not exist; " + older + " was left as it was\n");
        assertThat(older).hasContent("the older file");
        try (var files = Files.list(older.getParent())) {
            assertThat(files).containsExactly(older);
        }
    }

    @Test
    void aMissingLocalFileIsNamed() {
        Path missing = dir.resolve("no-such-file.csv");

        var run = ScriptRun.run("cloud-gcs", dir, noTarget(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-gcs: input file " + missing + " does not exist\n");
    }

    @Test
    void withStorageEmulatorHostTheClientTalksToThatHostAndAMissingBucketIsNamed() throws Exception {
        // A recorder, not a GCS emulator: it answers every call 404, as GCS does for a bucket that does not exist
        List<String> requests = new CopyOnWriteArrayList<>();
        var recorder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        recorder.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            byte[] body = "{\"error\":{\"code\":404,\"message\":\"The specified bucket does not exist.\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        recorder.start();
        try {
            String host = "http://127.0.0.1:" + recorder.getAddress().getPort();

            var run = ScriptRun.run("cloud-gcs", dir, Map.of("STORAGE_EMULATOR_HOST", host, "GCS_BUCKET", "no-such-bucket"), sample());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.out()).doesNotContain("stand-in").contains("Client for the emulator at " + host);
            assertThat(run.err()).isEqualTo("cloud-gcs: bucket 'no-such-bucket' does not exist at " + host + " (GCS_BUCKET)\n");
            assertThat(requests).containsExactly("GET /storage/v1/b/no-such-bucket");
        } finally {
            recorder.stop(0);
        }
    }

    @Test
    void anEmulatorOnAClosedPortFailsAfterABoundedWait() {
        String host = "http://127.0.0.1:" + Ports.closed();
        long started = System.nanoTime();

        var run = ScriptRun.run("cloud-gcs", dir, Map.of("STORAGE_EMULATOR_HOST", host, "GCS_BUCKET", ""), sample());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-gcs: Google Cloud Storage at " + host + ": cannot connect (Connection refused) after 3 attempts\n");
        assertThat((System.nanoTime() - started) / 1e9).as("seconds: 3 attempts within 20 s, plus JVM start").isLessThan(60);
    }

    @Test
    void credentialsThatCannotBeReadAreNamed() {
        Path missing = dir.resolve("no-such-key.json");

        var run = ScriptRun.run("cloud-gcs", dir, Map.of("GCS_BUCKET", "my-bucket", "STORAGE_EMULATOR_HOST", "",
                "GOOGLE_APPLICATION_CREDENTIALS", missing.toString()), sample());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-gcs: GOOGLE_APPLICATION_CREDENTIALS names " + missing + ", which does not exist or cannot be read\n");
    }
}
