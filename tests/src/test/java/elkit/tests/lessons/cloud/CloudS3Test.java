package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import elkit.local.LocalS3;
import elkit.tests.support.Chapter;
import elkit.tests.support.CuttingRelay;
import elkit.tests.support.Ports;
import elkit.tests.support.S3Clients;
import elkit.tests.support.ScriptRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jclouds.blobstore.BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** cloud-s3 against one S3Proxy the test starts (passed by env vars), and with no env at all. */
class CloudS3Test {

    static LocalS3 server;
    static BlobStore store;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        store = server.blobStore();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    static String object(String key) throws IOException {
        var blob = store.getBlob(LocalS3.BUCKET, key);
        if (blob == null) return null;
        try (InputStream in = blob.getPayload().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> env(String name, String value) {
        var env = new HashMap<>(server.env());
        env.put(name, value);
        return env;
    }

    @Test
    void pointedAtARunningEndpointItRunsBothBlocksAndLeavesTheObjects() throws Exception {
        // more than one page of keys under the prefix: the paginator must fetch them all
        for (int i = 0; i < 1_200; i++) {
            store.putBlob(LocalS3.BUCKET, store.blobBuilder(String.format("raw/2024/02/part-%04d.csv", i)).payload("x").build());
        }
        store.putBlob(LocalS3.BUCKET, store.blobBuilder("raw/2023/not-listed.csv").payload("x").build());
        store.createContainerInLocation(null, "dest-bucket-a"); // the chapter copies between two buckets
        try {
            var run = ScriptRun.run("cloud-s3", dir, env("S3_DEST_BUCKET", "dest-bucket-a"), Chapter.ORDERS.toString(), "--skip-large");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).isEmpty();
            String orders = Files.readString(Chapter.ORDERS);
            assertThat(run.out())
                    .doesNotContain("AWS_ENDPOINT_URL is not set")
                    .doesNotContain(server.env().get("AWS_SECRET_ACCESS_KEY"))
                    .contains("S3 client for region us-east-1 at " + server.endpoint() + ", access key "
                            + server.env().get("AWS_ACCESS_KEY_ID") + ", secret ****, bucket my-data-bucket")
                    .contains("# Upload file to S3", "# Download file from S3", "# List objects in bucket under raw/2024/",
                            "# Read CSV directly from S3 into rows", "# Check if object exists (HeadObject)",
                            "# Copy object within S3", "# Delete object", "# Generate presigned URL (temporary access)",
                            "# Upload with metadata")
                    // upload_file and download_file are managed transfers: the Transfer Manager's uploadFile and downloadFile
                    .contains("# Upload file to S3 (Transfer Manager: uploadFile)\nUploaded " + Chapter.ORDERS + " to s3://my-data-bucket/raw/2024/01/data.csv")
                    .contains("# Download file from S3 (Transfer Manager: downloadFile)")
                    .contains("# Single-request calls: putObject and getObject\nputObject sent " + orders.length()
                            + " bytes in one PUT; getObject read " + orders.length() + " bytes back in one GET")
                    // what a DataFrame has and a list of string maps has not: column types
                    .contains("# Read the same CSV with column types (DuckDB read_csv)\ncolumn_name | column_type\n"
                            + "------------+------------\norder_id    | BIGINT\ncustomer_id | BIGINT\norder_date  | DATE\n"
                            + "order_total | DOUBLE\n(4 rows)\nTyped, so sums and dates work: {rows=40, total=18928.3, last=2024-06-11}")
                    .contains("Copied s3://my-data-bucket/raw/2024/01/data.csv to s3://dest-bucket-a/processed/2024/01/data.csv")
                    .contains("Downloaded s3://my-data-bucket/raw/2024/01/data.csv to " + dir.resolve("work/downloaded_data.csv")
                            + " (" + orders.length() + " bytes)")
                    .contains("1,201 objects, " + String.format("%,d", orders.length() + 1_200) + " bytes, in 2 page(s)")
                    .contains("... and 1191 more")
                    .contains("Read 40 rows from s3://my-data-bucket/raw/2024/01/data.csv; the first five:",
                            "1001     | 106         | 2024-01-07 | 672.77")
                    .contains("raw/2024/01/data.csv exists: true\nraw/2024/01/missing.csv exists: false")
                    .contains("Deleted s3://my-data-bucket/old/file.csv; exists now: false")
                    .containsPattern("Presigned URL: " + Pattern.quote(server.endpoint())
                            + "/my-data-bucket/raw/2024/01/data.csv\\?\\S*X-Amz-Expires=3600\\S*X-Amz-Signature=\\*\\*\\*\\*")
                    .contains("Plain HTTP GET of the presigned URL: HTTP 200, first line: order_id,customer_id,order_date,order_total")
                    .contains("s3://my-data-bucket/data.csv: metadata {source=api, upload_date=2024-01-15}, content type text/csv, server-side encryption none")
                    .contains("This endpoint took the SSE header but did not encrypt (S3Proxy ignores it); AWS answers AES256 here")
                    .contains("(--skip-large: the 64 MB multipart transfer is skipped)");
            // the state it left: the objects in the bucket and the file on disk
            assertThat(object("raw/2024/01/data.csv")).isEqualTo(orders);
            assertThat(object("processed/2024/01/data.csv")).as("copied to the other bucket, not this one").isNull();
            try (InputStream in = store.getBlob("dest-bucket-a", "processed/2024/01/data.csv").getPayload().openStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(orders);
            }
            assertThat(object("old/file.csv")).isNull();
            var meta = store.blobMetadata(LocalS3.BUCKET, "data.csv");
            assertThat(meta.getUserMetadata()).containsEntry("source", "api").containsEntry("upload_date", "2024-01-15");
            assertThat(meta.getContentMetadata().getContentType()).isEqualTo("text/csv");
            assertThat(Files.readString(dir.resolve("work/downloaded_data.csv"))).isEqualTo(orders);
            assertThat(filesIn(dir.resolve("work"))).containsExactly("downloaded_data.csv");
        } finally {
            for (int i = 0; i < 1_200; i++) store.removeBlob(LocalS3.BUCKET, String.format("raw/2024/02/part-%04d.csv", i));
            store.removeBlob(LocalS3.BUCKET, "raw/2023/not-listed.csv");
            store.deleteContainer("dest-bucket-a");
        }
    }

    @Test
    void withNoEnvItStartsS3ProxyAndMovesSixtyFourMegabytesInPartsWithAChecksum() throws Exception {
        var env = new HashMap<String, String>();
        for (String name : server.env().keySet()) env.put(name, null); // unset, whatever the machine has

        var run = ScriptRun.run("cloud-s3", dir, env, Chapter.ORDERS.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .containsPattern("\\[elkit\\] AWS_ENDPOINT_URL is not set: started a local S3 endpoint \\(S3Proxy, in memory, not AWS\\) "
                        + "on http://127\\.0\\.0\\.1:\\d+ in [\\d.]+ s with bucket my-data-bucket; it stops at the end")
                .contains("Read 40 rows from s3://my-data-bucket/raw/2024/01/data.csv")
                .contains("Copied s3://my-data-bucket/raw/2024/01/data.csv to s3://dest-bucket/processed/2024/01/data.csv")
                .contains("Plain HTTP GET of the presigned URL: HTTP 200")
                .contains("upload   [#####     ]  50% 33,554,432/67,108,864 bytes", "upload   [##########] 100% 67,108,864/67,108,864 bytes")
                .contains("download [##########] 100% 67,108,864/67,108,864 bytes")
                .containsPattern("ETag \"[0-9a-f]{32}-8\"") // 64 MB in 8 MB parts
                .contains("Checksum check: SHA-256 of the download matches the original")
                .contains("Removed the two local 64 MB files");
        assertThat(filesIn(dir.resolve("work"))).containsExactly("downloaded_data.csv");
    }

    @Test
    void aWrongSecretKeyGivesTheServicesReasonInOneLineWithoutTheSecret() {
        var run = ScriptRun.run("cloud-s3", dir, env("AWS_SECRET_ACCESS_KEY", "wrong-Secret-4711"), Chapter.ORDERS.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("cloud-s3: PutObject s3://my-data-bucket/raw/2024/01/data.csv at "
                + server.endpoint() + " failed: SignatureDoesNotMatch: Forbidden (HTTP 403); check AWS_SECRET_ACCESS_KEY");
        assertThat(run.out() + run.err()).doesNotContain("wrong-Secret-4711", "\tat ");
    }

    @Test
    void aBucketThatDoesNotExistIsNamed() {
        var run = ScriptRun.run("cloud-s3", dir, env("S3_BUCKET", "no-such-bucket"), Chapter.ORDERS.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("cloud-s3: PutObject s3://no-such-bucket/raw/2024/01/data.csv at "
                + server.endpoint() + " failed: NoSuchBucket: The specified bucket does not exist (HTTP 404)");
        assertThat(store.containerExists("no-such-bucket")).isFalse();
    }

    @Test
    void aKeyThatDoesNotExistIsNamedAndNothingIsWritten() throws Exception {
        var run = ScriptRun.run("cloud-s3", dir, server.env(), Chapter.ORDERS.toString(), "raw/2024/01/nope.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("cloud-s3: GetObject s3://my-data-bucket/raw/2024/01/nope.csv at "
                + server.endpoint() + " failed: NoSuchKey: The specified key does not exist. (HTTP 404)");
        assertThat(filesIn(dir.resolve("work"))).isEmpty();
    }

    @Test
    void anUploadOfAMissingLocalFileIsOneLineBeforeAnyCall() {
        Path missing = dir.resolve("no-such-file.csv");

        var run = ScriptRun.run("cloud-s3", dir, server.env(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("cloud-s3: cannot upload " + missing + ": no such file");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anEndpointOnAClosedPortFailsWithinABoundedTimeInOneLine() {
        int port = Ports.closed();
        long started = System.nanoTime();

        var run = ScriptRun.run("cloud-s3", dir, env("AWS_ENDPOINT_URL", "http://127.0.0.1:" + port), Chapter.ORDERS.toString());

        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).startsWith("cloud-s3: PutObject s3://my-data-bucket/raw/2024/01/data.csv at http://127.0.0.1:" + port
                + " failed: cannot complete the request: ").contains("Connection refused").doesNotContain("\tat ");
        assertThat(seconds).as("seconds until the error").isLessThan(60);
    }

    @Test
    void aDownloadCutOffMidwayLeavesNoPartialFileAndKeepsTheOlderOne() throws Exception {
        byte[] big = new byte[4 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        store.putBlob(LocalS3.BUCKET, store.blobBuilder("big/cut.bin").payload(big).build());
        Path target = Files.createDirectories(dir.resolve("work")).resolve("downloaded_data.csv");
        Files.writeString(target, "an older download\n");
        try (var cutter = new CuttingRelay(server.port(), 1024 * 1024)) {
            var run = ScriptRun.run("cloud-s3", dir, env("AWS_ENDPOINT_URL", "http://127.0.0.1:" + cutter.port()),
                    Chapter.ORDERS.toString(), "big/cut.bin");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err().lines().toList()).hasSize(1);
            assertThat(run.err()).startsWith("cloud-s3: GetObject s3://my-data-bucket/big/cut.bin at http://127.0.0.1:" + cutter.port() + " failed: ")
                    .doesNotContain("\tat ", ".tmp-");
            assertThat(cutter.cuts()).isPositive();
        } finally {
            store.removeBlob(LocalS3.BUCKET, "big/cut.bin");
        }
        assertThat(Files.readString(target)).isEqualTo("an older download\n");
        assertThat(filesIn(dir.resolve("work"))).containsExactly("downloaded_data.csv");
    }

    @Test
    void objectExistsIsFalseOnlyFor404AndA403IsAnError() throws Exception {
        var exists = Class.forName("cloud_s3").getDeclaredMethod("objectExists", S3Client.class, String.class, String.class);
        exists.setAccessible(true);
        store.putBlob(LocalS3.BUCKET, store.blobBuilder("exists/yes.txt").payload("y").build());
        try (var good = client(server.env().get("AWS_SECRET_ACCESS_KEY"));
             var forbidden = client("wrong-secret")) {
            assertThat(exists.invoke(null, good, LocalS3.BUCKET, "exists/yes.txt")).isEqualTo(true);
            assertThat(exists.invoke(null, good, LocalS3.BUCKET, "exists/no.txt")).isEqualTo(false);

            Throwable thrown = catchThrowable(() -> exists.invoke(null, forbidden, LocalS3.BUCKET, "exists/yes.txt"));

            assertThat(thrown).isInstanceOf(InvocationTargetException.class);
            assertThat(thrown.getCause()).isInstanceOf(S3Exception.class);
            assertThat(((S3Exception) thrown.getCause()).statusCode()).isEqualTo(403);
        } finally {
            store.removeBlob(LocalS3.BUCKET, "exists/yes.txt");
        }
    }

    @Test
    void sandboxS3PrintsExportLinesThatReachABucketAndStopsOnTerminate() throws Exception {
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "sandbox", "s3");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var env = new LinkedHashMap<String, String>();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            var export = Pattern.compile("export (\\w+)='(.*)'");
            for (String line; (line = reader.readLine()) != null && !line.equals("# Stop it with Ctrl-C."); ) {
                var match = export.matcher(line);
                if (match.matches()) env.put(match.group(1), match.group(2));
            }
            assertThat(env).containsOnlyKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL", "S3_BUCKET");
            try (var s3 = S3Clients.client(env)) {
                s3.putObject(b -> b.bucket(env.get("S3_BUCKET")).key("hello.txt"),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes("hi".getBytes(StandardCharsets.UTF_8)));
                assertThat(s3.listObjectsV2(b -> b.bucket(env.get("S3_BUCKET"))).contents())
                        .extracting(software.amazon.awssdk.services.s3.model.S3Object::key).containsExactly("hello.txt");
            }
            int port = URI.create(env.get("AWS_ENDPOINT_URL")).getPort();

            process.destroy();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
            try (var socket = new Socket()) {
                assertThat(catchThrowable(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 1000)))
                        .as("the endpoint's port is closed").isInstanceOf(IOException.class);
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    static S3Client client(String secret) {
        return S3Clients.client(Map.of("AWS_ACCESS_KEY_ID", server.env().get("AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY", secret,
                "AWS_ENDPOINT_URL", server.endpoint()));
    }

    static List<String> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
