// JShell walkthrough of notebooks/02-cloud-sdks.ipynb: its code cells in order, its markdown as comments.
// Made from the notebook by `./jbang to-jshell`: edit the notebook, then run that command.
//
// Run it whole, from the repository root:  ./jbang chapters/05-extract-load/jshell/02-cloud-sdks.jsh
// Run it, then stay in JShell:            ./jbang -i chapters/05-extract-load/jshell/02-cloud-sdks.jsh
// Or /open it in a JShell that has these classes, and step through it snippet by snippet.
//
// Its class path: the lessons this notebook shows, each with its own //DEPS and the elkit classes it uses.
//DEPS ../../../scripts/cloud-s3.java
//DEPS ../../../scripts/cloud-gcs.java
//DEPS ../../../scripts/cloud-azure.java
//DEPS ../../../scripts/bench-cloud.java

// # 2. Cloud SDKs: AWS S3, Google Cloud Storage and Azure Blob Storage
//
// The lesson `scripts/cloud-s3.java`, cell by cell, in the chapter's order: the "AWS SDK - boto3" block, then "AWS S3 - Advanced Operations", then a 64 MB multipart transfer. Every code cell is the script's own code (a test keeps them identical); cells marked `// notebook:` exist only here. Build the classpath folder once from the repository root first: `mvn -q -pl notebooks -am package -DskipTests`.
//
// The endpoint is real: when `AWS_ENDPOINT_URL` and `S3_BUCKET` are not set, the notebook starts S3Proxy on 127.0.0.1 (an S3-compatible server, in memory, **not AWS**: it ignores the SSE header and GET by part number; the chapter page lists the differences). To use your own endpoint, start the kernel with the AWS variables set, e.g. from `./jbang sandbox s3`.

// notebook: load elkit and the lesson libraries (mvn -pl notebooks -am package builds the folder)
// %jar target/classpath   <- a kernel magic: in JShell the //DEPS lines at the top of this file load the same classes

import elkit.BigFiles;
import elkit.Cli;
import elkit.DataFiles;
import elkit.Db;
import elkit.Env;
import elkit.S3Errors;
import elkit.Table;
import elkit.local.LocalS3;
import org.apache.commons.csv.CSVFormat;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;
import software.amazon.awssdk.transfer.s3.progress.TransferListener;

import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

static final String KEY = "raw/2024/01/data.csv";
static final int LARGE_MB = 64;

// notebook: what the script's lesson() prepares: the target (env vars, else a local S3Proxy) and the file to upload
boolean configured = Env.optional("AWS_ENDPOINT_URL").isPresent() || Env.optional("S3_BUCKET").isPresent();
LocalS3 localS3 = configured ? null : LocalS3.start();
boolean local = localS3 != null;
Map<String, String> env = local ? localS3.env() : System.getenv();
String bucket = env.get("S3_BUCKET");
Path localFile = DataFiles.sample("../orders.csv");
String downloadKey = KEY;
var errors = new S3Errors(env.getOrDefault("AWS_ENDPOINT_URL", "AWS"));

// ## AWS SDK - boto3
//
// The client from the environment. Any endpoint but AWS needs path-style URLs and checksums only where required.

static <B extends S3BaseClientBuilder<B, C>, C> B configure(B builder, Map<String, String> env, boolean local) {
    AwsCredentialsProvider credentials = local
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")))
            : DefaultCredentialsProvider.builder().build(); // env vars, then ~/.aws, SSO, instance roles
    builder.credentialsProvider(credentials).region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")));
    String endpoint = env.get("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
        builder.endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // no "Expect: 100-continue" on uploads: some servers (moto) answer it with two interim 100s,
                // and the asynchronous client takes the second one for the answer to UploadPart
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build());
    }
    return builder;
}

// Initialize S3 client
Cli.step("Initialize S3 client");
S3Client s3 = configure(S3Client.builder(), env, local).
        overrideConfiguration(o -> o.addExecutionInterceptor(errors)
                .apiCallAttemptTimeout(Duration.ofSeconds(20))). // a silent endpoint cannot hang us
        build();
System.out.println("S3 client for region " + s3.serviceClientConfiguration().region()
        + (env.containsKey("AWS_ENDPOINT_URL") ? " at " + env.get("AWS_ENDPOINT_URL") : "")
        + ", access key " + env.getOrDefault("AWS_ACCESS_KEY_ID", "from the default chain")
        + ", secret " + Env.masked(env.get("AWS_SECRET_ACCESS_KEY")) + ", bucket " + bucket);

// `upload_file` and `download_file` are managed transfers (in parts, several at a time, above 8 MB): the Transfer Manager's `uploadFile` and `downloadFile`. The download goes to a temp file that is moved into place when complete. Then the single-request calls underneath, `putObject` (one PUT, at most 5 GB) and `getObject` (one GET).

// Upload file to S3: boto3's upload_file is a managed transfer (in parts, several at a time, above 8 MB).
// Its Java counterpart is the Transfer Manager's uploadFile, on an asynchronous client with the same settings
Cli.step("Upload file to S3 (Transfer Manager: uploadFile)");
S3AsyncClient asyncS3 = configure(S3AsyncClient.builder(), env, local).
        overrideConfiguration(o -> o.addExecutionInterceptor(errors)
                .apiCallAttemptTimeout(Duration.ofSeconds(20))).
        multipartEnabled(true). // the defaults are boto3's TransferConfig: 8 MB threshold, 8 MB parts
        build();
S3TransferManager transferManager = S3TransferManager.builder().s3Client(asyncS3).build();
transferManager.uploadFile(UploadFileRequest.builder()
        .putObjectRequest(b -> b.bucket(bucket).key(KEY))
        .source(localFile)
        .build()).completionFuture().join();
System.out.println("Uploaded " + localFile + " to s3://" + bucket + "/" + KEY);

// Download file from S3: download_file is the Transfer Manager's downloadFile, into a temp file
// beside the target, moved into place when complete
Cli.step("Download file from S3 (Transfer Manager: downloadFile)");
Path downloaded = Env.workDir().resolve("downloaded_data.csv");
DataFiles.writeAtomically(downloaded, temp -> transferManager.downloadFile(DownloadFileRequest.builder()
        .getObjectRequest(b -> b.bucket(bucket).key(downloadKey))
        .destination(temp)
        .build()).completionFuture().join());
System.out.println("Downloaded s3://" + bucket + "/" + downloadKey + " to " + downloaded
        + " (" + Files.size(downloaded) + " bytes)");
transferManager.close();
asyncS3.close();

// The single-request calls underneath: putObject is one PUT (at most 5 GB), getObject one GET
Cli.step("Single-request calls: putObject and getObject");
s3.putObject(PutObjectRequest.builder().bucket(bucket).key(KEY).build(), RequestBody.fromFile(localFile));
var single = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(KEY).build());
System.out.println("putObject sent " + Files.size(localFile) + " bytes in one PUT; getObject read "
        + single.asByteArray().length + " bytes back in one GET");

// `list_objects_v2` stops at 1,000 keys; the paginator fetches every page.

// List objects in bucket: the paginator asks for the next page of 1,000 keys until there is none
Cli.step("List objects in bucket under raw/2024/");
var pages = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("raw/2024/"));
int listed = 0, pageCount = 0;
long totalBytes = 0;
for (var page : pages) {
    pageCount++;
    for (S3Object obj : page.contents()) {
        if (listed < 10) System.out.println(obj.key() + " - " + obj.size() + " bytes");
        listed++;
        totalBytes += obj.size();
    }
}
if (listed > 10) System.out.println("... and " + (listed - 10) + " more");
System.out.printf(Locale.US, "%,d objects, %,d bytes, in %d page(s)%n", listed, totalBytes, pageCount);

// `pd.read_csv(obj['Body'])`: commons-csv parses the response stream as it arrives, no temp file; the list keeps every row, as a DataFrame does. A DataFrame also has column types: DuckDB's `read_csv` infers them (it reads files, not a Java stream, so the object goes to a temp file first).

// Read CSV directly from S3: commons-csv parses the response stream as it arrives, no temp file.
// Like pd.read_csv, the loop keeps every row: memory grows with the object (handle each record in the
// loop instead, and it stays flat). And every value is a String here, where a DataFrame has typed columns
Cli.step("Read CSV directly from S3 into rows");
var rows = new ArrayList<Map<String, String>>();
try (var obj = s3.getObject(b -> b.bucket(bucket).key(KEY));
     var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
             .parse(new InputStreamReader(obj, StandardCharsets.UTF_8))) {
    for (var record : parser) rows.add(record.toMap());
}
System.out.println("Read " + rows.size() + " rows from s3://" + bucket + "/" + KEY + "; the first five:");
Table.print(rows.subList(0, Math.min(5, rows.size())));

// The typed way, as a DataFrame has it: DuckDB's read_csv infers each column's type. It reads files and
// URLs, not a Java stream, so the object's stream goes to a temp file first (removed at the end)
Cli.step("Read the same CSV with column types (DuckDB read_csv)");
Path objectFile = Files.createTempFile("s3-object-", ".csv");
try (var obj = s3.getObject(b -> b.bucket(bucket).key(KEY));
     var duck = DriverManager.getConnection("jdbc:duckdb:")) {
    Files.copy(obj, objectFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Table.print(Db.query(duck, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_csv(?))",
            objectFile.toString())); // df.dtypes
    System.out.println("Typed, so sums and dates work: " + Db.query(duck,
            "SELECT count(*) AS rows, round(sum(order_total), 2) AS total, max(order_date) AS last FROM read_csv(?)",
            objectFile.toString()).get(0));
} catch (java.sql.SQLException e) {
    throw Cli.fail(e, "DuckDB could not read s3://%s/%s as CSV: %s", bucket, KEY, Db.reason(e));
} finally {
    Files.deleteIfExists(objectFile);
}

// ## AWS S3 - Advanced Operations
//
// Only a 404 means "does not exist"; a 403 or any other error is raised.

static boolean objectExists(S3Client s3, String bucket, String key) {
    try {
        s3.headObject(b -> b.bucket(bucket).key(key));
        return true;
    } catch (NoSuchKeyException e) {
        return false;
    } catch (S3Exception e) {
        if (e.statusCode() == 404) return false; // HEAD has no body, so no error code: the status says it
        throw e;
    }
}

// Check if object exists
Cli.step("Check if object exists (HeadObject)");
System.out.println(KEY + " exists: " + objectExists(s3, bucket, KEY));
System.out.println("raw/2024/01/missing.csv exists: " + objectExists(s3, bucket, "raw/2024/01/missing.csv"));

// Copy object within S3: from one bucket to another, as the chapter does (source-bucket to dest-bucket)
Cli.step("Copy object within S3");
String destBucket = local ? "dest-bucket" : env.getOrDefault("S3_DEST_BUCKET", bucket);
if (local) s3.createBucket(b -> b.bucket(destBucket)); // the local endpoint starts with one bucket
if (destBucket.equals(bucket)) System.out.println("(S3_DEST_BUCKET is not set: copying within " + bucket + ")");
s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(KEY)
        .destinationBucket(destBucket).destinationKey("processed/2024/01/data.csv"));
System.out.println("Copied s3://" + bucket + "/" + KEY + " to s3://" + destBucket + "/processed/2024/01/data.csv");

// Delete object: an old file put there first, so there is one to delete
Cli.step("Delete object");
s3.putObject(b -> b.bucket(bucket).key("old/file.csv"), RequestBody.fromBytes("stale,data\n".getBytes(StandardCharsets.UTF_8)));
s3.deleteObject(b -> b.bucket(bucket).key("old/file.csv"));
System.out.println("Deleted s3://" + bucket + "/old/file.csv; exists now: " + objectExists(s3, bucket, "old/file.csv"));

// A presigned URL signed offline, then fetched by the JDK's plain `HttpClient`, which has no credentials: the proof that it works.

static S3Presigner presigner(Map<String, String> env, boolean local) {
    var builder = S3Presigner.builder()
            .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
            .credentialsProvider(local
                    ? StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")))
                    : DefaultCredentialsProvider.builder().build());
    String endpoint = env.get("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
        builder.endpointOverride(URI.create(endpoint))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build());
    }
    return builder.build();
}

// Generate presigned URL (temporary access): anyone with the URL can GET the object for 1 hour
Cli.step("Generate presigned URL (temporary access)");
String url;
try (S3Presigner presigner = presigner(env, local)) {
    url = presigner.presignGetObject(GetObjectPresignRequest.builder()
            .signatureDuration(Duration.ofHours(1))
            .getObjectRequest(b -> b.bucket(bucket).key(KEY))
            .build()).url().toString();
}
System.out.println("Presigned URL: " + url.replaceAll("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=****"));
// The proof: a plain HTTP client with no credentials at all fetches it
var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
System.out.println("Plain HTTP GET of the presigned URL: HTTP " + response.statusCode()
        + ", first line: " + response.body().lines().findFirst().orElse(""));
if (response.statusCode() != 200) throw Cli.fail("the presigned URL did not work: HTTP %d", response.statusCode());

// Metadata, a content type and SSE AES256. S3Proxy takes the SSE header but does not encrypt; the lesson says so.

// Upload with metadata, a content type and server-side encryption
Cli.step("Upload with metadata");
var upload = PutObjectRequest.builder().bucket(bucket).key("data.csv").
        metadata(Map.of("source", "api", "upload_date", "2024-01-15")).
        contentType("text/csv"). // no "; charset=...": S3Proxy's signature check trips on it
        serverSideEncryption(ServerSideEncryption.AES256).
        build();
try {
    s3.putObject(upload, RequestBody.fromFile(localFile));
} catch (S3Exception e) {
    if (e.statusCode() != 501) throw e;
    // S3Proxy (and some S3-compatible servers) answer NotImplemented to SSE headers: say so, send without
    System.out.println("This endpoint does not implement server-side encryption (" + S3Errors.reason(e) + "): uploading without it");
    s3.putObject(upload.toBuilder().serverSideEncryption((String) null).build(), RequestBody.fromFile(localFile));
}
var head = s3.headObject(b -> b.bucket(bucket).key("data.csv"));
System.out.println("s3://" + bucket + "/data.csv: metadata " + new java.util.TreeMap<>(head.metadata())
        + ", content type " + head.contentType()
        + ", server-side encryption " + (head.serverSideEncryption() == null ? "none" : head.serverSideEncryption()));
if (head.serverSideEncryption() == null) {
    System.out.println("This endpoint took the SSE header but did not encrypt (S3Proxy ignores it); AWS answers AES256 here");
}

// ## Beyond the chapter: 64 MB in parallel parts
//
// A progress listener, the Transfer Manager on a multipart-enabled async client, and a SHA-256 check.

static final class ProgressBar implements TransferListener {
    private final String label;
    private final long size;
    private int shown = 0;

    ProgressBar(String label, long size) {
        this.label = label;
        this.size = size;
    }

    @Override
    public void bytesTransferred(Context.BytesTransferred context) {
        show(context.progressSnapshot().transferredBytes());
    }

    @Override
    public void transferComplete(Context.TransferComplete context) {
        show(context.progressSnapshot().transferredBytes());
    }

    private synchronized void show(long transferred) {
        int tenths = (int) Math.min(10, 10 * transferred / Math.max(1, size));
        if (tenths <= shown) return;
        shown = tenths;
        System.out.printf(Locale.US, "%s [%-10s] %3d%% %,d/%,d bytes%n", label, "#".repeat(tenths), tenths * 10, transferred, size);
    }
}

Cli.step("Large file: multipart upload and download in parallel parts (S3 Transfer Manager)");
Path big = Env.workDir().resolve("large-" + LARGE_MB + "mb.bin");
Path bigBack = Env.workDir().resolve("large-" + LARGE_MB + "mb.downloaded.bin");
String sent = BigFiles.writeRandom(big, LARGE_MB * 1024L * 1024L);
System.out.println("Generated " + big + " (" + LARGE_MB + " MB), SHA-256 " + sent.substring(0, 16) + "...");
long partSize = 8L * 1024 * 1024;
try (S3AsyncClient async = configure(S3AsyncClient.builder(), env, local)
             .overrideConfiguration(o -> o.addExecutionInterceptor(errors))
             .multipartEnabled(true) // files above the threshold go up in parts, several at a time
             .multipartConfiguration(MultipartConfiguration.builder()
                     .thresholdInBytes(partSize).minimumPartSizeInBytes(partSize).build())
             .build();
     S3TransferManager transfers = S3TransferManager.builder().s3Client(async).build()) {
    long started = System.nanoTime();
    transfers.uploadFile(UploadFileRequest.builder()
            .putObjectRequest(b -> b.bucket(bucket).key("large/" + big.getFileName()))
            .source(big)
            .addTransferListener(new ProgressBar("upload  ", Files.size(big)))
            .build()).completionFuture().join();
    double upSeconds = (System.nanoTime() - started) / 1e9;
    var etag = s3.headObject(b -> b.bucket(bucket).key("large/" + big.getFileName())).eTag();
    System.out.printf(Locale.US, "Uploaded in %.1f s (%.0f MB/s); ETag %s (\"-N\": assembled from N parts)%n",
            upSeconds, LARGE_MB / upSeconds, etag);

    started = System.nanoTime();
    DataFiles.writeAtomically(bigBack, temp -> transfers.downloadFile(DownloadFileRequest.builder()
            .getObjectRequest(b -> b.bucket(bucket).key("large/" + big.getFileName()))
            .destination(temp)
            .addTransferListener(new ProgressBar("download", Files.size(big)))
            .build()).completionFuture().join());
    double downSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(Locale.US, "Downloaded in %.1f s (%.0f MB/s)%n", downSeconds, LARGE_MB / downSeconds);
    if (local) System.out.println("S3Proxy ignores GET by part number, so this download came as one stream; on AWS the SDK fetches the parts in parallel");
}
String received = BigFiles.sha256(bigBack);
System.out.println("Checksum check: SHA-256 of the download " + (received.equals(sent) ? "matches" : "DIFFERS from") + " the original");
if (!received.equals(sent)) throw Cli.fail("the downloaded %s differs from the uploaded file", bigBack);
Files.delete(big);
Files.delete(bigBack);
System.out.println("Removed the two local " + LARGE_MB + " MB files");

// notebook: close the client and stop the local S3 endpoint
s3.close();
if (localS3 != null) localS3.close();

// # Google Cloud Storage and Azure Blob Storage
//
// The chapter's GCS and Azure blocks in Java, cell by cell, as in `scripts/cloud-gcs.java` and `scripts/cloud-azure.java`. See `chapters/05-extract-load/02-cloud-sdks.md`.
//
// **GCS here is an in-memory stand-in** (google-cloud-nio's `LocalStorageHelper`): no HTTP, no server, because no GCS emulator installs offline. Set `GCS_BUCKET` (real GCS) or `STORAGE_EMULATOR_HOST` (an emulator) before starting the kernel to use a real endpoint. **Azure** runs against a real local Azurite (npm `azurite`, installed into `~/.cache/elkit` on first use; needs Node.js), unless `AZURE_STORAGE_CONNECTION_STRING` is set.

// notebook: the imports of both scripts
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
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import elkit.local.LocalAzurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.Arrays;

// ## Google Cloud Storage
//
// Which endpoint: `STORAGE_EMULATOR_HOST`, else `GCS_BUCKET` on GCS, else the stand-in, which says so first:

String emulatorHost = Env.optional("STORAGE_EMULATOR_HOST").orElse(null);
boolean standIn = emulatorHost == null && Env.optional("GCS_BUCKET").isEmpty();
if (standIn) {
    System.out.println("[elkit] GCS_BUCKET and STORAGE_EMULATOR_HOST are not set: running on google-cloud-nio's"
            + " LocalStorageHelper, an in-memory stand-in for GCS inside this JVM (no HTTP, no server); it is gone at the end");
}

// notebook: the script's arguments and constants (upload the sample customers.csv, download what was uploaded)
Path localFile = DataFiles.sample("customers.csv");
String bucketName = Env.get("GCS_BUCKET", "elkit-lesson");
String downloadName = "raw/data.csv";
Logger QUIET = Logger.getLogger("com.google.api.client.googleapis.services.AbstractGoogleClient");

// Where an error line says the lesson was talking to, and a StorageException in one line:

static String where(String emulatorHost, boolean standIn) {
    if (standIn) return "(in-memory stand-in)";
    return emulatorHost != null ? "at " + emulatorHost : "at storage.googleapis.com";
}

static String reason(StorageException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConnectException) return "cannot connect (" + t.getMessage() + ") after 3 attempts";
        if (t instanceof java.net.SocketTimeoutException) return "no answer in time (" + t.getMessage() + ")";
        if (t instanceof java.net.UnknownHostException) return "cannot resolve the host " + t.getMessage() + " (no network or DNS?)";
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    return (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "") + (e.getReason() != null ? e.getReason() + ": " : "") + message;
}

// Initialize client. On GCS, credentials come from the environment (`GOOGLE_APPLICATION_CREDENTIALS`); every wait is bounded:

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

// Get bucket. `storage.get` returns `null` for a bucket that does not exist; the stand-in has no buckets at all:

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

// Download to a temp file beside the target, moved into place only when complete:

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

// Set metadata: Python's `blob.patch()` is `storage.update`, an HTTP PATCH. The stand-in's `update` saves nothing, so the lesson says so and copies the blob onto itself instead:

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

// ## Azure Blob Storage
//
// The target: `AZURE_STORAGE_CONNECTION_STRING` when set, else a real Azurite on 127.0.0.1, stopped in the last cell:

// notebook: the target and the arguments, as the script's lesson() picks them
boolean local = Env.optional("AZURE_STORAGE_CONNECTION_STRING").isEmpty();
LocalAzurite azurite = local ? LocalAzurite.start() : null;
String connectionString = local ? azurite.connectionString() : Env.required("AZURE_STORAGE_CONNECTION_STRING");
String containerName = Env.get("AZURE_CONTAINER", "elkit-lesson");

// A network error in one line (refused, reset, closed early), for the download's error message:

static String networkReason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ConnectException) return "connection refused";
        if (t instanceof java.io.IOException || t.getClass().getName().startsWith("reactor.netty")
                || t instanceof java.util.concurrent.TimeoutException) {
            String message = t.getMessage();
            return message == null || message.isBlank() ? t.getClass().getSimpleName() : message.lines().findFirst().orElse("");
        }
    }
    return null;
}

// Initialize client: BlobServiceClient.from_connection_string(connection_string)
Cli.step("Initialize client");
BlobServiceClient blobServiceClient;
try {
    blobServiceClient = new BlobServiceClientBuilder()
            .connectionString(connectionString)
            // Bounded waits: 3 tries of at most 20 s each, 0.5 s then 1 s apart, so a dead endpoint fails fast
            .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, Duration.ofSeconds(20),
                    Duration.ofMillis(500), Duration.ofSeconds(2), null))
            .buildClient();
} catch (IllegalArgumentException e) {
    throw Cli.fail("AZURE_STORAGE_CONNECTION_STRING is not a valid connection string: %s", e.getMessage());
}
String account = blobServiceClient.getAccountUrl();
System.out.println("Client for account " + blobServiceClient.getAccountName() + " at " + account + " (key: ****)");

// Get container client: get_container_client('my-container')
Cli.step("Get container client");
BlobContainerClient containerClient = blobServiceClient.getBlobContainerClient(containerName);
if (local) {
    // Not in the chapter: a fresh Azurite has no containers, so create the lesson's one
    containerClient.createIfNotExists();
    System.out.println("Container " + containerName + " created on the local Azurite");
} else if (!containerClient.exists()) {
    throw Cli.fail("container '%s' does not exist in account %s (AZURE_CONTAINER)", containerName, blobServiceClient.getAccountName());
} else {
    System.out.println("Container " + containerName + " exists");
}

// Upload file: blob_client.upload_blob(data, overwrite=True)
Cli.step("Upload file");
BlobClient blobClient = containerClient.getBlobClient("raw/data.csv");
blobClient.uploadFromFile(localFile.toString(), true);
System.out.println("Uploaded " + localFile.getFileName() + " (" + Files.size(localFile) + " bytes) to " + containerName + "/raw/data.csv");

// Download file: download_blob().readall(), to a temp file moved into place
Cli.step("Download file");
Path downloaded = Env.workDir().resolve("downloaded.csv");
BlobClient downloadClient = containerClient.getBlobClient(downloadName);
try {
    DataFiles.writeAtomically(downloaded, temp -> downloadClient.downloadToFile(temp.toString()));
} catch (BlobStorageException e) {
    throw e;
} catch (Exception e) {
    throw Cli.fail("download of %s/%s failed midway (%s); %s was left as it was",
            containerName, downloadName, networkReason(e), downloaded);
}
System.out.println("Downloaded " + containerName + "/" + downloadName + " to " + downloaded + " (" + Files.size(downloaded) + " bytes)");

// List blobs: list_blobs(name_starts_with='raw/'); the iterable fetches page after page
Cli.step("List blobs");
for (BlobItem blob : containerClient.listBlobs(new ListBlobsOptions().setPrefix("raw/"), null)) {
    System.out.println(blob.getName() + " - " + blob.getProperties().getContentLength() + " bytes");
}

// Not in the chapter: a SAS URL, Azure's presigned URL, that a plain HTTP client fetches without the account key:

// Not in the chapter: a SAS URL (Azure's presigned URL) that any HTTP client can GET without the key
Cli.step("SAS URL, fetched by plain HTTP");
var permission = new BlobSasPermission().setReadPermission(true);
var sasValues = new BlobServiceSasSignatureValues(OffsetDateTime.now().plusMinutes(15), permission);
String sasUrl = blobClient.getBlobUrl() + "?" + blobClient.generateSas(sasValues);
System.out.println("SAS URL, valid 15 minutes, read only: " + sasUrl.replaceAll("sig=[^&]+", "sig=****"));
var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
HttpResponse<byte[]> withSas = http.send(HttpRequest.newBuilder(URI.create(sasUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
boolean same = Arrays.equals(withSas.body(), Files.readAllBytes(localFile));
System.out.println("GET with the SAS: HTTP " + withSas.statusCode() + ", " + withSas.body().length + " bytes, same as the uploaded file: " + same);
HttpResponse<Void> withoutSas = http.send(HttpRequest.newBuilder(URI.create(blobClient.getBlobUrl())).build(), HttpResponse.BodyHandlers.discarding());
System.out.println("GET without the SAS: HTTP " + withoutSas.statusCode() + " (refused: the container is private)");

// notebook: stop the local Azurite
if (azurite != null) azurite.close();

// ## Benchmark: single PUT/GET against multipart, as a chart
//
// `./jbang bench-cloud [MB]` (default 128) moves one generated file four ways and checks each copy's SHA-256: a plain file copy, a single PUT and GET with `S3Client`, and a multipart upload and download with the Transfer Manager in 8 MB parts, on its own local S3Proxy. Here it runs with 9 MB (two parts), so the cell takes seconds: its table, then its chart (the same figures, also written to `work/bench/bench-cloud.svg` and `.png`). The figures of a full run are on the chapter page.

// notebook: the benchmark script's own code, loaded whole (scripts/bench-cloud.java)
// the notebook's %load ../scripts/bench-cloud.java
/open scripts/bench-cloud.java

// notebook: a small run: 9 MB; its figures, then the chart, show under the cell
bench_cloud.bench(List.of("9"));
