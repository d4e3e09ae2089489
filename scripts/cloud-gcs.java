///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "GCP SDK - Google Cloud Storage": the google-cloud-storage client; with no GCS_BUCKET or STORAGE_EMULATOR_HOST it runs on an in-memory stand-in (no HTTP).
//DEPS com.google.cloud:google-cloud-storage:2.63.0
//DEPS com.google.cloud:google-cloud-nio:0.128.12
// the versions the tests run with (ClasspathParityTest): one Jackson, one OpenTelemetry for every lesson
//DEPS com.fasterxml.jackson:jackson-bom:2.23.0@pom io.opentelemetry:opentelemetry-bom:1.60.1@pom
//DEPS commons-codec:commons-codec:1.19.0 org.checkerframework:checker-qual:3.55.1 io.opentelemetry.contrib:opentelemetry-gcp-resources:1.45.0-alpha
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import com.google.api.gax.paging.Page;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Usage: cloud-gcs [upload.csv] [blob-to-download] [--verbose]
 * Target: GCS_BUCKET on real Google Cloud Storage (credentials from GOOGLE_APPLICATION_CREDENTIALS or
 * the environment), or STORAGE_EMULATOR_HOST (an emulator such as fake-gcs-server). With neither,
 * google-cloud-nio's LocalStorageHelper: an in-memory stand-in inside this JVM, with no HTTP and no
 * server, because no GCS emulator installs offline. upload.csv defaults to the sample customers.csv;
 * blob-to-download defaults to the blob just uploaded.
 */
class cloud_gcs {

    static final String LESSON_BUCKET = "elkit-lesson";
    /** Held here: java.util.logging keeps loggers only weakly, and a collected one forgets its level. */
    static final Logger QUIET = Logger.getLogger("com.google.api.client.googleapis.services.AbstractGoogleClient");

    static final Options OPTIONS = Options.usage("cloud-gcs [upload.csv] [blob-to-download]")
            .argument("upload.csv", "the file to upload (default: the sample customers.csv)")
            .argument("blob-to-download", "the blob to download (default: raw/data.csv)")
            .env("GCS", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(cloud_gcs::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        String emulatorHost = Env.optional("STORAGE_EMULATOR_HOST").orElse(null);
        boolean standIn = emulatorHost == null && Env.optional("GCS_BUCKET").isEmpty();
        if (standIn) {
            System.out.println("[elkit] GCS_BUCKET and STORAGE_EMULATOR_HOST are not set: running on google-cloud-nio's"
                    + " LocalStorageHelper, an in-memory stand-in for GCS inside this JVM (no HTTP, no server); it is gone at the end");
        }
        Path localFile = DataFiles.input(args, 0, "customers.csv");
        String bucketName = Env.get("GCS_BUCKET", LESSON_BUCKET);
        var credentials = Env.optional("GOOGLE_APPLICATION_CREDENTIALS").map(Path::of);
        if (!standIn && emulatorHost == null && credentials.isPresent() && !Files.isReadable(credentials.get())) {
            throw Cli.fail("GOOGLE_APPLICATION_CREDENTIALS names %s, which does not exist or cannot be read", credentials.get());
        }
        String downloadName = args.size() > 1 ? args.get(1) : "raw/data.csv";
        try {
            teach(emulatorHost, standIn, bucketName, localFile, downloadName);
        } catch (StorageException e) {
            throw Cli.fail("Google Cloud Storage %s: %s", where(emulatorHost, standIn), reason(e));
        }
    }

    static void teach(String emulatorHost, boolean standIn, String bucketName, Path localFile, String downloadName) throws Exception {
        // Initialize client (uses environment credentials): storage.Client()
        Cli.step("Initialize client");
        // Bounded waits: 5 s to connect, 3 attempts, 20 s in all, so a dead endpoint fails fast
        var retries = RetrySettings.newBuilder().setMaxAttempts(3).setTotalTimeoutDuration(Duration.ofSeconds(20)).build();
        var transport = HttpTransportOptions.newBuilder().setConnectTimeout(5_000).setReadTimeout(20_000).build();
        Storage storage;
        if (standIn) {
            storage = LocalStorageHelper.getOptions().getService();
            QUIET.setLevel(Level.SEVERE); // the stand-in builds an API client per call, each warning "Application name is not set"
            System.out.println("Client: the in-memory stand-in (on GCS: StorageOptions.getDefaultInstance().getService())");
        } else if (emulatorHost != null) {
            storage = StorageOptions.http().setHost(emulatorHost).setProjectId(Env.get("GOOGLE_CLOUD_PROJECT", "elkit"))
                    .setCredentials(NoCredentials.getInstance())   // an emulator takes no credentials
                    .setRetrySettings(retries).setTransportOptions(transport).build().getService();
            System.out.println("Client for the emulator at " + storage.getOptions().getHost());
        } else {
            storage = StorageOptions.http().setRetrySettings(retries).setTransportOptions(transport).build().getService();
            System.out.println("Client for " + storage.getOptions().getHost() + ", project " + storage.getOptions().getProjectId());
        }

        // Get bucket: client.get_bucket('my-gcs-bucket'); storage.get returns null when it does not exist
        Cli.step("Get bucket");
        Bucket bucket = storage.get(bucketName);
        if (bucket != null) {
            System.out.println("Bucket " + bucket.getName() + " (location " + bucket.getLocation() + ")");
        } else if (standIn) {
            System.out.println("The stand-in has no buckets: storage.get(\"" + bucketName + "\") returned null"
                    + " (on GCS it returns the bucket); blobs go to that bucket name all the same");
        } else if (emulatorHost != null && Env.optional("GCS_BUCKET").isEmpty()) {
            // Not in the chapter: a fresh emulator has no buckets, so create the lesson's one
            bucket = storage.create(BucketInfo.of(bucketName));
            System.out.println("Created bucket " + bucket.getName() + " on the emulator");
        } else {
            throw Cli.fail("bucket '%s' does not exist %s (GCS_BUCKET)", bucketName, where(emulatorHost, false));
        }

        // Upload file: bucket.blob('raw/data.csv').upload_from_filename('local_data.csv')
        Cli.step("Upload file");
        BlobInfo blobInfo = BlobInfo.newBuilder(bucketName, "raw/data.csv").setContentType("text/csv").build();
        storage.createFrom(blobInfo, localFile);
        System.out.println("Uploaded " + localFile.getFileName() + " (" + Files.size(localFile) + " bytes) to gs://" + bucketName + "/raw/data.csv");
        // Not in the chapter: two more blobs under raw/2024/, so the listing below has something to show
        for (String name : List.of("raw/2024/01/customers.csv", "raw/2024/02/customers.csv")) {
            storage.createFrom(BlobInfo.newBuilder(bucketName, name).setContentType("text/csv").build(), localFile);
        }
        System.out.println("Uploaded it again as raw/2024/01/customers.csv and raw/2024/02/customers.csv");

        // Download file: blob.download_to_filename('downloaded_data.csv'), to a temp file moved into place
        Cli.step("Download file");
        Path downloaded = Env.workDir().resolve("downloaded_data.csv");
        BlobId downloadId = BlobId.of(bucketName, downloadName);
        if (storage.get(downloadId) == null) {
            throw Cli.fail("blob gs://%s/%s does not exist; %s was left as it was", bucketName, downloadName, downloaded);
        }
        try {
            DataFiles.writeAtomically(downloaded, temp -> storage.downloadTo(downloadId, temp));
        } catch (StorageException e) {
            throw Cli.fail("download of gs://%s/%s failed midway (%s); %s was left as it was", bucketName, downloadName, reason(e), downloaded);
        }
        System.out.println("Downloaded gs://" + bucketName + "/" + downloadName + " to " + downloaded + " (" + Files.size(downloaded) + " bytes)");

        // List blobs: bucket.list_blobs(prefix='raw/2024/'); iterateAll() fetches page after page
        Cli.step("List blobs");
        Page<Blob> blobs = storage.list(bucketName, Storage.BlobListOption.prefix("raw/2024/"));
        for (Blob blob : blobs.iterateAll()) {
            System.out.println(blob.getName() + " - " + blob.getSize() + " bytes");
        }
        if (standIn) System.out.println("(the stand-in lists in no set order; GCS lists by name)");

        // Read directly into memory: blob.download_as_string(), bytes with no file in between
        Cli.step("Read directly into memory");
        byte[] content = storage.readAllBytes(BlobId.of(bucketName, "raw/data.csv"));
        String text = new String(content, StandardCharsets.UTF_8);
        System.out.println("Read " + content.length + " bytes; first line: " + text.lines().findFirst().orElse("").replace("\uFEFF", ""));

        // Set metadata: blob.metadata = {...}; blob.patch() is storage.update, an HTTP PATCH
        Cli.step("Set metadata");
        Blob blob = storage.get(BlobId.of(bucketName, "raw/data.csv"));
        Blob patched = storage.update(blob.toBuilder().setMetadata(Map.of("source", "api", "processed", "false")).build());
        if (patched == null && standIn) {
            // The stand-in's update saves nothing: copying the blob onto itself with the metadata does
            System.out.println("The stand-in's storage.update returned null and saved nothing (GCS patches the blob);"
                    + " copying the blob onto itself with the metadata instead");
            storage.copy(Storage.CopyRequest.newBuilder().setSource(blob.getBlobId())
                    .setTarget(blob.toBuilder().setMetadata(Map.of("source", "api", "processed", "false")).build()).build()).getResult();
        }
        Map<String, String> metadata = storage.get(BlobId.of(bucketName, "raw/data.csv")).getMetadata();
        System.out.println("Metadata of raw/data.csv now: " + new TreeMap<>(metadata));
    }

    /** Where the lesson talks to, for an error line: the emulator's URL, GCS, or the stand-in. */
    static String where(String emulatorHost, boolean standIn) {
        if (standIn) return "(in-memory stand-in)";
        return emulatorHost != null ? "at " + emulatorHost : "at storage.googleapis.com";
    }

    /** A StorageException in one line: the HTTP status and reason, or the network error under it. */
    static String reason(StorageException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "cannot connect (" + t.getMessage() + ") after 3 attempts";
            if (t instanceof java.net.SocketTimeoutException) return "no answer in time (" + t.getMessage() + ")";
            if (t instanceof java.net.UnknownHostException) return "cannot resolve the host " + t.getMessage() + " (no network or DNS?)";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "") + (e.getReason() != null ? e.getReason() + ": " : "") + message;
    }
}
