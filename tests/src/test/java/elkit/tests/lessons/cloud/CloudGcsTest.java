package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-gcs. No GCS server or emulator runs on these machines, so the lesson path is tested on its
 * in-memory stand-in (google-cloud-nio's LocalStorageHelper), and the STORAGE_EMULATOR_HOST path
 * only as far as a partial fake of the JSON API shows: the client sends its calls to that host, a 404
 * for the bucket becomes one clear line, and a download cut off midway leaves the older file. The
 * lesson's later steps (listing, metadata) over HTTP run only against fake-gcs-server in Docker.
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
        try (var fake = new PartialGcsFake(false)) {
            var run = ScriptRun.run("cloud-gcs", dir, Map.of("STORAGE_EMULATOR_HOST", fake.url(), "GCS_BUCKET", "no-such-bucket"), sample());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.out()).doesNotContain("stand-in").contains("Client for the emulator at " + fake.url());
            assertThat(run.err()).isEqualTo("cloud-gcs: bucket 'no-such-bucket' does not exist at " + fake.url() + " (GCS_BUCKET)\n");
            assertThat(fake.requests).containsExactly("GET /storage/v1/b/no-such-bucket");
        }
    }

    @Test
    void aDownloadCutOffMidwayLeavesTheOlderFileAsItWas() throws Exception {
        Path older = dir.resolve("work/downloaded_data.csv");
        Files.createDirectories(older.getParent());
        Files.writeString(older, "the older file\n");

        try (var fake = new PartialGcsFake(true)) {
            var run = ScriptRun.run("cloud-gcs", dir, Map.of("STORAGE_EMULATOR_HOST", fake.url(), "GCS_BUCKET", "lesson-bucket"), sample());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).startsWith("cloud-gcs: download of gs://lesson-bucket/raw/data.csv failed midway (")
                    .contains("Connection closed prematurely").endsWith("); " + older + " was left as it was\n");
            // the upload reached the fake whole, over the resumable upload protocol
            assertThat(fake.objects.get("raw/data.csv")).isEqualTo(Files.readAllBytes(Path.of(sample())));
            assertThat(fake.requests).filteredOn(r -> r.contains("alt=media")).hasSize(3); // 3 attempts, each cut
        }
        assertThat(older).hasContent("the older file");
        try (var files = Files.list(older.getParent())) {
            assertThat(files).containsExactly(older); // no partial temp file beside it
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

    /**
     * A partial fake of the GCS JSON API, not an emulator: just enough for the lesson's client to get a
     * bucket (or a 404 for it), upload through a resumable session, read an object's metadata, and
     * start a download that it cuts off halfway, every time. It records each request's method and path.
     */
    static final class PartialGcsFake implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final Map<String, String> sessions = new ConcurrentHashMap<>();
        final HttpServer server;

        PartialGcsFake(boolean bucketExists) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getRawPath();
                String query = Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
                byte[] in = exchange.getRequestBody().readAllBytes();
                requests.add(method + " " + path + (query.contains("alt=media") ? "?alt=media" : ""));
                String name = URLDecoder.decode(path.replaceFirst(".*/o/", ""), StandardCharsets.UTF_8);
                String bucket = path.replaceFirst(".*/b/([^/]+).*", "$1");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                if (method.equals("GET") && path.matches("/storage/v1/b/[^/]+") && bucketExists) {
                    send(exchange, 200, "{\"kind\":\"storage#bucket\",\"name\":\"" + path.substring(path.lastIndexOf('/') + 1) + "\"}");
                } else if (method.equals("POST") && path.startsWith("/upload/") && query.contains("uploadType=resumable")) {
                    String id = UUID.randomUUID().toString();
                    sessions.put(id, new String(in, StandardCharsets.UTF_8).replaceAll("(?s).*\"name\"\\s*:\\s*\"([^\"]+)\".*", "$1"));
                    exchange.getResponseHeaders().add("Location", url() + path + "?uploadType=resumable&upload_id=" + id);
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                } else if (method.equals("PUT") && query.contains("upload_id=")) {
                    String object = sessions.get(query.replaceAll(".*upload_id=([^&]+).*", "$1"));
                    objects.put(object, in);
                    send(exchange, 200, objectJson(bucket, object, in.length));
                } else if (method.equals("GET") && path.contains("/o/") && objects.containsKey(name)) {
                    byte[] content = objects.get(name);
                    if (!query.contains("alt=media")) {
                        send(exchange, 200, objectJson(bucket, name, content.length));
                        return;
                    }
                    exchange.sendResponseHeaders(200, content.length);
                    exchange.getResponseBody().write(content, 0, content.length / 2);
                    exchange.getResponseBody().flush();
                    exchange.close(); // half the promised bytes, then the connection ends
                } else {
                    send(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}");
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private static String objectJson(String bucket, String name, int size) {
            return "{\"kind\":\"storage#object\",\"bucket\":\"" + bucket + "\",\"name\":\"" + name + "\",\"size\":\"" + size + "\",\"generation\":\"1\"}";
        }

        private static void send(HttpExchange exchange, int code, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
