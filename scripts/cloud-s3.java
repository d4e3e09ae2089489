///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "AWS SDK - boto3" and "AWS S3 - Advanced Operations" with the AWS SDK for Java v2: upload, download, list, read a CSV, exists, copy, delete, presigned URL, metadata, and a multipart transfer.
//DEPS software.amazon.awssdk:s3:2.57.8
//DEPS software.amazon.awssdk:s3-transfer-manager:2.57.8
//DEPS org.apache.commons:commons-csv:1.14.1
//DEPS org.duckdb:duckdb_jdbc:2.0.0.1
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/BigFiles.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Db.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/S3Errors.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalS3.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED
//JAVA_OPTIONS -Dslf4j.provider=org.slf4j.nop.NOPServiceProvider -Dslf4j.internal.verbosity=WARN

import elkit.Options;

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

/**
 * Usage: cloud-s3 [file-to-upload] [key-to-download] [--skip-large] [--verbose]
 * Target: the AWS SDK's own AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL,
 * and S3_BUCKET (S3_DEST_BUCKET: a second bucket to copy to); when none of AWS_ENDPOINT_URL and S3_BUCKET
 * is set, a local S3 endpoint (S3Proxy) started for this run, with a second bucket dest-bucket. file-to-upload defaults to the sample orders.csv; key-to-download to the key
 * it was uploaded to. --skip-large skips the {@value #LARGE_MB} MB multipart transfer at the end.
 */
class cloud_s3 {

    static final String KEY = "raw/2024/01/data.csv";
    static final int LARGE_MB = 64;

    static final Options OPTIONS = Options.usage("cloud-s3 [file-to-upload] [key-to-download]")
            .argument("file-to-upload", "the file to upload (default: the sample orders.csv)")
            .argument("key-to-download", "the key to download (default: raw/2024/01/data.csv)")
            .option("--skip-large", "skip the 64 MB multipart transfer")
            .env("S3", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(cloud_s3::lesson));
    }

    static void lesson(List<String> arguments) throws Exception {
        var args = new ArrayList<>(arguments);
        boolean large = !args.remove("--skip-large");
        Path localFile = args.size() > 0 ? Path.of(args.get(0)) : DataFiles.sample("../orders.csv");
        if (!Files.isRegularFile(localFile)) throw Cli.fail("cannot upload %s: no such file", localFile);
        String downloadKey = args.size() > 1 ? args.get(1) : KEY;
        boolean configured = Env.optional("AWS_ENDPOINT_URL").isPresent() || Env.optional("S3_BUCKET").isPresent();
        // The target: the user's S3 from the SDK's env vars, else a real S3 endpoint started for this run
        try (var local = configured ? null : LocalS3.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String bucket = local != null ? env.get("S3_BUCKET")
                    : Env.required("S3_BUCKET", "the bucket the lesson writes to, e.g. export S3_BUCKET=my-data-bucket");
            var errors = new S3Errors(env.getOrDefault("AWS_ENDPOINT_URL", "AWS"));
            try {
                teach(env, local != null, errors, bucket, localFile, downloadKey, large);
            } catch (SdkException | java.util.concurrent.CompletionException e) {
                throw errors.explain(e); // one line: the call, s3://bucket/key, the service's reason
            }
        }
    }

    static void teach(Map<String, String> env, boolean local, S3Errors errors, String bucket, Path localFile,
                      String downloadKey, boolean large) throws Exception {
        // Initialize S3 client
        Cli.step("Initialize S3 client");
        S3Client s3 = configure(S3Client.builder(), env, local)
                .overrideConfiguration(o -> o.addExecutionInterceptor(errors)
                        .apiCallAttemptTimeout(Duration.ofSeconds(20))) // a silent endpoint cannot hang us
                .build();
        System.out.println("S3 client for region " + s3.serviceClientConfiguration().region()
                + (env.containsKey("AWS_ENDPOINT_URL") ? " at " + env.get("AWS_ENDPOINT_URL") : "")
                + ", access key " + env.getOrDefault("AWS_ACCESS_KEY_ID", "from the default chain")
                + ", secret " + Env.masked(env.get("AWS_SECRET_ACCESS_KEY")) + ", bucket " + bucket);

        // Upload file to S3: boto3's upload_file is a managed transfer (in parts, several at a time, above 8 MB).
        // Its Java counterpart is the Transfer Manager's uploadFile, on an asynchronous client with the same settings
        Cli.step("Upload file to S3 (Transfer Manager: uploadFile)");
        S3AsyncClient asyncS3 = configure(S3AsyncClient.builder(), env, local)
                .overrideConfiguration(o -> o.addExecutionInterceptor(errors)
                        .apiCallAttemptTimeout(Duration.ofSeconds(20)))
                .multipartEnabled(true) // the defaults are boto3's TransferConfig: 8 MB threshold, 8 MB parts
                .build();
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

        // AWS S3 - Advanced Operations

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

        // Upload with metadata, a content type and server-side encryption
        Cli.step("Upload with metadata");
        var upload = PutObjectRequest.builder().bucket(bucket).key("data.csv")
                .metadata(Map.of("source", "api", "upload_date", "2024-01-15"))
                .contentType("text/csv") // no "; charset=...": S3Proxy's signature check trips on it
                .serverSideEncryption(ServerSideEncryption.AES256)
                .build();
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

        // Not in the chapter: a large file in parallel parts, with the SDK's multipart support
        if (!large) {
            System.out.println("\n(--skip-large: the " + LARGE_MB + " MB multipart transfer is skipped)");
            return;
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
    }

    /**
     * The client from the environment. Against AWS the SDK finds region and credentials itself;
     * another endpoint (S3Proxy, MinIO, LocalStack) needs path-style URLs, and checksums only where
     * the API requires them, since not every server knows the SDK's newer default checksums.
     */
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

    /** A presigner signs URLs offline, with the same region, credentials and endpoint as the client. */
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

    // Check if object exists: 404 means no; 403 or any other error is an error, not "no"
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

    /** Progress on one line per 10 %, so it reads well in a terminal, a notebook and a log alike. */
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
}
