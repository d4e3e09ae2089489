///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Benchmark for chapter 5, "Cloud SDKs": one large file up and down S3 as a single PUT/GET and as parallel multipart parts, in MB/s, next to a plain file copy.
//DEPS software.amazon.awssdk:s3:2.57.8
//DEPS software.amazon.awssdk:s3-transfer-manager:2.57.8
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Bench.java
//SOURCES ../lib/src/main/java/elkit/BigFiles.java
//SOURCES ../lib/src/main/java/elkit/Charts.java
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/Progress.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Table.java
//SOURCES ../lib/src/main/java/elkit/local/LocalS3.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java
//JAVA_OPTIONS -Dslf4j.provider=org.slf4j.nop.NOPServiceProvider -Dslf4j.internal.verbosity=WARN

import elkit.Bench;
import elkit.Options;

import elkit.BigFiles;
import elkit.Charts;
import elkit.Cli;
import elkit.Env;
import elkit.Progress;
import elkit.Table;
import elkit.local.LocalS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Usage: bench-cloud [MB] [--verbose]   (default {@value #DEFAULT_MB} MB)
 * Generates one file of MB megabytes and moves it four ways: a plain file copy on the same disk (the
 * local limit), a single PUT and GET with S3Client, and a multipart upload and download in parallel
 * 8 MB parts with the S3 Transfer Manager. Every copy is checked by SHA-256. Target: the S3 env vars
 * (as in cloud-s3), else a local S3Proxy. A benchmark, not a test.
 */
class bench_cloud {

    static final int DEFAULT_MB = 128;
    static final long PART = 8L * 1024 * 1024;

    static final Options OPTIONS = Options.usage("bench-cloud [MB]")
            .argument("MB", "size of the object to move (default: 64)")
            .env("S3", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(bench_cloud::bench));
    }

    static void bench(List<String> args) throws Exception {
        int mb;
        try {
            mb = args.isEmpty() ? DEFAULT_MB : Integer.parseInt(args.get(0));
            if (mb < 1) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw Cli.fail("the size must be a whole number of megabytes above 0, got: %s", args.get(0));
        }
        String machine = Bench.machine();
        System.out.println(machine);
        boolean configured = Env.optional("AWS_ENDPOINT_URL").isPresent() || Env.optional("S3_BUCKET").isPresent();
        try (var local = configured ? null : LocalS3.start()) {
            Map<String, String> env = local != null ? local.env() : System.getenv();
            String bucket = local != null ? env.get("S3_BUCKET") : Env.required("S3_BUCKET", "the bucket to write to");
            run(env, local != null, bucket, mb, machine);
        }
    }

    static void run(Map<String, String> env, boolean local, String bucket, int mb, String machine) throws Exception {
        Path dir = Files.createDirectories(Env.workDir().resolve("bench-cloud"));
        Path source = dir.resolve("source.bin");
        Path copy = dir.resolve("copy.bin");
        long size = mb * 1024L * 1024L;
        var rows = new ArrayList<Map<String, Object>>();
        try {
            String sha = BigFiles.writeRandom(source, size);
            System.out.printf(Locale.US, "Generated %d MB (SHA-256 %s...) in %s%n", mb, sha.substring(0, 12), dir);

            // on a terminal only: one bar over the five steps, each of which takes seconds for a large file
            try (var progress = Progress.start("bench-cloud, " + mb + " MB: copy, PUT, GET, multipart up and down", 5)) {
                long started = System.nanoTime();
                Files.copy(source, copy);
                rows.add(row("plain file copy (same disk)", "copy", mb, started, sha.equals(BigFiles.sha256(copy))));
                progress.step();
                Files.delete(copy);

                try (S3Client s3 = configure(S3Client.builder(), env, local).build()) {
                    started = System.nanoTime();
                    s3.putObject(b -> b.bucket(bucket).key("bench/single.bin"), RequestBody.fromFile(source));
                    rows.add(row("S3 single PUT (S3Client)", "upload", mb, started, true));
                    progress.step();
                    started = System.nanoTime();
                    s3.getObject(b -> b.bucket(bucket).key("bench/single.bin"), ResponseTransformer.toFile(copy));
                    rows.add(row("S3 single GET (S3Client)", "download", mb, started, sha.equals(BigFiles.sha256(copy))));
                    progress.step();
                    Files.delete(copy);
                    s3.deleteObject(b -> b.bucket(bucket).key("bench/single.bin"));
                }

                try (S3AsyncClient async = configure(S3AsyncClient.builder(), env, local)
                             .multipartEnabled(true)
                             .multipartConfiguration(MultipartConfiguration.builder().thresholdInBytes(PART).minimumPartSizeInBytes(PART).build())
                             .build();
                     S3TransferManager transfers = S3TransferManager.builder().s3Client(async).build()) {
                    started = System.nanoTime();
                    transfers.uploadFile(u -> u.source(source).putObjectRequest(b -> b.bucket(bucket).key("bench/multipart.bin")))
                            .completionFuture().join();
                    rows.add(row("S3 multipart upload, " + PART / (1024 * 1024) + " MB parts (Transfer Manager)", "upload", mb, started, true));
                    progress.step();
                    started = System.nanoTime();
                    transfers.downloadFile(d -> d.destination(copy).getObjectRequest(b -> b.bucket(bucket).key("bench/multipart.bin")))
                            .completionFuture().join();
                    rows.add(row("S3 multipart download (Transfer Manager)", "download", mb, started, sha.equals(BigFiles.sha256(copy))));
                    progress.step();
                    Files.delete(copy);
                    async.deleteObject(b -> b.bucket(bucket).key("bench/multipart.bin")).join();
                }
            }
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(copy);
            Files.deleteIfExists(dir);
        }
        String where = local ? "the local S3Proxy (in memory)" : env.getOrDefault("AWS_ENDPOINT_URL", "AWS");
        Cli.step("MB per second (higher is better), " + mb + " MB, on " + where);
        Table.print(rows);
        if (rows.stream().anyMatch(r -> "NO".equals(r.get("SHA-256 checked")))) throw Cli.fail("a copy differs from the source");
        var bars = rows.stream().map(r -> new Charts.Bar((String) r.get("method"), "Java", (String) r.get("MB/s"))).toList();
        System.out.println(Charts.draw(Env.workDir().resolve("bench"), new Charts.Spec("bench-cloud",
                "bench-cloud: MB/s (higher is better), " + mb + " MB, on " + where, machine, "MB/s", bars, false)).line());
    }

    static Map<String, Object> row(String method, String direction, int mb, long started, boolean same) {
        double seconds = (System.nanoTime() - started) / 1e9;
        var row = new LinkedHashMap<String, Object>();
        row.put("method", method);
        row.put("direction", direction);
        row.put("seconds", String.format(Locale.US, "%.2f", seconds));
        row.put("MB/s", String.format(Locale.US, "%.0f", mb / seconds));
        row.put("SHA-256 checked", direction.equals("upload") ? "(on download)" : same ? "yes" : "NO");
        return row;
    }

    /** As in cloud-s3: path-style URLs, checksums only where required and no Expect: 100-continue for a non-AWS endpoint. */
    static <B extends S3BaseClientBuilder<B, C>, C> B configure(B builder, Map<String, String> env, boolean local) {
        builder.region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(local
                        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")))
                        : DefaultCredentialsProvider.builder().build());
        String endpoint = env.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build()); // see cloud-s3
        }
        return builder;
    }
}
