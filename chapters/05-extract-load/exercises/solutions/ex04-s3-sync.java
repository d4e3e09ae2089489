///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Exercise 4 (cloud SDKs): sync a local folder to an S3 bucket, uploading only new or changed files. Run it to grade yourself.
//DEPS software.amazon.awssdk:s3:2.57.8
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../../../../lib/src/main/java/elkit/local/LocalS3.java
//SOURCES ../../../../lib/src/main/java/elkit/Grading.java
//SOURCES ../../../../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../../../../lib/src/main/java/elkit/Scratch.java
//JAVA_OPTIONS -Dslf4j.provider=org.slf4j.nop.NOPServiceProvider -Dslf4j.internal.verbosity=WARN

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static elkit.Grading.check;

/**
 * Exercise 4: the nightly upload of an export folder, without sending what is already there.
 *
 * Write {@link #sync}: upload every regular file under {@code folder} (subfolders too) to
 * {@code bucket}, under the key {@code prefix + path relative to folder}, with '/' between folder
 * names. Upload a file only when it is new (no object under its key) or changed (its content differs
 * from the object's); return how many files you uploaded.
 *   1. Ask S3 what is there with ONE listing of the prefix (the paginator: there may be more than
 *      1,000 keys), not one HeadObject per file.
 *   2. "Changed" means different content, even at the same size and with an older timestamp. For an
 *      object uploaded in one PUT, S3's ETag is the hex MD5 of its content, in double quotes.
 *
 * Run it: ../../../jbang ex04-s3-sync.java   It grades your code against a local S3 endpoint
 * (S3Proxy) and exits 0 when all checks pass.
 */
class ex04_s3_sync {

    static int sync(S3Client s3, String bucket, Path folder, String prefix) throws IOException {
        // What is there already: key -> ETag, from one listing of the prefix (every page of it)
        Map<String, String> remote = new TreeMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            remote.put(object.key(), object.eTag().replace("\"", ""));
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(folder)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        int uploaded = 0;
        for (Path file : files) {
            String key = prefix + folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
            byte[] content = Files.readAllBytes(file);
            String md5;
            try {
                md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            // New, or changed: the content's MD5 differs from the ETag (an ETag with "-N" came from a multipart upload and is not an MD5: upload again)
            if (md5.equals(remote.get(key))) continue;
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
            uploaded++;
        }
        return uploaded;
    }

    // ---- grading: do not edit below this line ----

    /** Counts the calls the client makes, by operation name: the grader sees every PUT you send. */
    static final class Calls implements ExecutionInterceptor {
        final Map<String, AtomicInteger> counts = new TreeMap<>();

        @Override
        public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            counts.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicInteger()).incrementAndGet();
        }

        synchronized int get(String operation) {
            var count = counts.get(operation);
            return count == null ? 0 : count.get();
        }

        synchronized void reset() {
            counts.clear();
        }
    }

    public static void main(String[] args) throws Exception {
        var report = new ArrayList<String>();
        int passed = 0;
        Path dir = Files.createTempDirectory("ex04");
        var calls = new Calls();
        // AWS_ENDPOINT_URL (with the AWS_* keys and S3_BUCKET) grades against that S3 server; else a local S3Proxy
        try (var server = System.getenv("AWS_ENDPOINT_URL") == null ? elkit.local.LocalS3.start() : null) {
            var env = server != null ? server.env() : System.getenv();
            try (S3Client s3 = S3Client.builder()
                    .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                    .endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL")))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
                    .build()) {
                String bucket = env.get("S3_BUCKET");
                passed += check(report, "a fresh folder: every file uploaded once, subfolders too, under the prefix", () -> {
                    Path folder = exportFolder(dir.resolve("one"));
                    firstSync(s3, calls, bucket, folder, "exports/one/");
                    int puts = calls.get("PutObject");
                    if (puts != 3) throw new AssertionError("expected 3 PutObject calls, made " + puts);
                });
                passed += check(report, "an unchanged folder: nothing uploaded, one listing instead of a HEAD per file", () -> {
                    Path folder = exportFolder(dir.resolve("two"));
                    firstSync(s3, calls, bucket, folder, "exports/two/");
                    calls.reset();
                    int uploaded = sync(s3, bucket, folder, "exports/two/");
                    if (uploaded != 0 || calls.get("PutObject") != 0) {
                        throw new AssertionError("expected 0 uploads, returned " + uploaded + " and made " + calls.get("PutObject") + " PutObject calls");
                    }
                    if (calls.get("HeadObject") > 0) throw new AssertionError("made " + calls.get("HeadObject") + " HeadObject calls: list the prefix once instead");
                    if (calls.get("ListObjectsV2") != 1) throw new AssertionError("expected 1 ListObjectsV2 call, made " + calls.get("ListObjectsV2"));
                });
                passed += check(report, "only the new file and the changed one (same size, older timestamp) are uploaded", () -> {
                    Path folder = exportFolder(dir.resolve("three"));
                    firstSync(s3, calls, bucket, folder, "exports/three/");
                    Path changed = folder.resolve("customers.csv");
                    var before = Files.getLastModifiedTime(changed);
                    Files.writeString(changed, Files.readString(changed).replace("Alice", "Alina"));
                    Files.setLastModifiedTime(changed, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() - 86_400_000L));
                    Files.writeString(Files.createDirectories(folder.resolve("2024/02")).resolve("orders.csv"), "order_id,total\n3,30.00\n");
                    calls.reset();
                    int uploaded = sync(s3, bucket, folder, "exports/three/");
                    if (uploaded != 2 || calls.get("PutObject") != 2) {
                        throw new AssertionError("expected 2 uploads, returned " + uploaded + " and made " + calls.get("PutObject") + " PutObject calls");
                    }
                    expectObjects(s3, bucket, "exports/three/", folder);
                });
                passed += check(report, "more than 1,000 objects under the prefix: the listing reads every page", () -> {
                    Path folder = Files.createDirectories(dir.resolve("four"));
                    for (int i = 0; i < 1_100; i++) {
                        String name = String.format("part-%04d.csv", i);
                        Files.writeString(folder.resolve(name), "n\n" + i + "\n");
                        byte[] stored = (i == 1_099 ? "n\nold\n" : "n\n" + i + "\n").getBytes(StandardCharsets.UTF_8); // the last one has changed since
                        if (server != null) { // straight into the local server: 1,100 PUTs would take a while
                            server.blobStore().putBlob(bucket, server.blobStore().blobBuilder("exports/four/" + name).payload(stored).build());
                        } else {
                            s3.putObject(b -> b.bucket(bucket).key("exports/four/" + name), RequestBody.fromBytes(stored));
                        }
                    }
                    calls.reset();
                    int uploaded = sync(s3, bucket, folder, "exports/four/");
                    if (uploaded != 1 || calls.get("PutObject") != 1) {
                        throw new AssertionError("expected 1 upload (part-1099.csv changed), returned " + uploaded + " and made " + calls.get("PutObject") + " PutObject calls");
                    }
                    expectObjects(s3, bucket, "exports/four/", folder);
                });
            }
        } finally {
            deleteRecursively(dir);
        }
        report.forEach(System.out::println);
        System.out.printf("Score: %d/%d%n", passed, report.size());
        System.exit(passed == report.size() ? 0 : 1);
    }

    /** Three files, one in a subfolder. */
    static Path exportFolder(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("2024/01"));
        Files.writeString(folder.resolve("customers.csv"), "customer_id,name\n101,Alice\n102,Bob\n");
        Files.writeString(folder.resolve("2024/01/orders.csv"), "order_id,total\n1,10.00\n2,20.00\n");
        Files.writeString(folder.resolve("readme.txt"), "nightly export\n");
        return folder;
    }

    /** The first sync must upload every file (a method that does nothing fails here) and return the count. */
    static void firstSync(S3Client s3, Calls calls, String bucket, Path folder, String prefix) throws Exception {
        calls.reset();
        long files;
        try (Stream<Path> all = Files.walk(folder)) {
            files = all.filter(Files::isRegularFile).count();
        }
        long already = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().count();
        int uploaded = sync(s3, bucket, folder, prefix);
        if (uploaded != files - already) throw new AssertionError("sync() returned " + uploaded + " for a folder of " + files + " new files");
        expectObjects(s3, bucket, prefix, folder);
    }

    /** The bucket holds exactly the folder's files under the prefix, byte for byte. */
    static void expectObjects(S3Client s3, String bucket, String prefix, Path folder) throws Exception {
        var expected = new TreeMap<String, String>();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                String relative = folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                expected.put(prefix + relative, md5(Files.readAllBytes(file)));
            }
        }
        var actual = new TreeMap<String, String>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            actual.put(object.key(), object.eTag().replace("\"", "")); // one PUT each: the ETag is the content's MD5
        }
        if (!expected.keySet().equals(actual.keySet())) throw new AssertionError("expected the keys " + abbreviate(expected.keySet()) + ", found " + abbreviate(actual.keySet()));
        if (!expected.equals(actual)) throw new AssertionError("some objects' content differs from the files");
    }

    static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    static String abbreviate(java.util.Collection<String> keys) {
        var list = new ArrayList<>(keys);
        return list.size() <= 6 ? list.toString() : list.subList(0, 6) + " ... (" + list.size() + " keys)";
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }
}
