package elkit.tests.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A second S3 implementation, independent of S3Proxy: moto's server ({@code moto_server}, Python, Flask on
 * Werkzeug), which this machine's image ships (pip's moto 5.2.1). It is not reachable from the registries this
 * project installs from (Maven Central, Debian, npm), so it is found on PATH, never installed. Unlike S3Proxy it
 * answers {@code Expect: 100-continue} with interim {@code 100 Continue} responses (two of them), encrypts
 * with SSE and serves GET by part number. Started on a free port of 127.0.0.1, in memory, stopped by close().
 */
public final class MotoS3 implements AutoCloseable {
    public static final String BUCKET = "moto-bucket";
    public static final String ACCESS_KEY = "moto-access-key";
    public static final String SECRET_KEY = "moto-secret-4711";

    final Process process;
    public final String endpoint;
    public final Path log;

    /** moto_server on PATH, if this machine has it. */
    public static Optional<Path> command() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "moto_server")).filter(Files::isExecutable).findFirst();
    }

    public MotoS3(Path workDir) throws IOException, InterruptedException {
        Path command = command().orElseThrow(() -> new IllegalStateException("moto_server is not on PATH"));
        int port = Ports.closed(); // a free port, taken at once by moto
        log = workDir.resolve("moto.log");
        process = new ProcessBuilder(command.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        endpoint = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Ports.accepts(port)) {
            if (!process.isAlive()) throw new IllegalStateException("moto_server ended: " + Files.readString(log));
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("moto_server did not listen on " + endpoint + " within 60 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    /** The env-var contract for a lesson that should use this server. */
    public Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", "us-east-1", "S3_BUCKET", BUCKET);
    }

    /** A client of the test's own, to look at what a lesson left in the bucket. */
    public S3Client client() {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30))).build();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
