package elkit.tests.lessons.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import elkit.local.LocalAzurite;
import elkit.tests.support.CuttingRelay;
import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-azure against a real Azurite (npm azurite, started once for the class on 127.0.0.1), and its
 * bad inputs: wrong key, missing container, missing blob, missing local file, closed port, a download
 * cut off midway, and no Node.js at all.
 */
class CloudAzureTest {

    static final String CONTAINER = "lesson-data";

    static LocalAzurite azurite;
    static BlobContainerClient container;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAzurite() {
        azurite = LocalAzurite.start();
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(CONTAINER);
        container.create();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) azurite.close();
    }

    /** The env-var contract pointing at the class's Azurite, or at {@code endpoint} with {@code key}. */
    static Map<String, String> env(String endpoint, String key) {
        var env = new HashMap<String, String>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http;AccountName=" + LocalAzurite.ACCOUNT
                + ";AccountKey=" + key + ";BlobEndpoint=" + endpoint + ";");
        env.put("AZURE_CONTAINER", CONTAINER);
        return env;
    }

    /** The sample file: the tests run the script in a temp folder, where the default is not found. */
    static String sample() {
        return Repo.path("chapters/05-extract-load/data/files/customers.csv").toString();
    }

    static Map<String, String> env() {
        return env(azurite.blobEndpoint(), LocalAzurite.KEY);
    }

    @Test
    void uploadsDownloadsListsAndServesASasUrlOnTheUsersAccount() throws Exception {
        Path input = dir.resolve("orders.csv");
        Files.writeString(input, "order_id,total\n1001,672.77\n1002,759.51\n");

        var run = ScriptRun.run("cloud-azure", dir, env(), input.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).doesNotContain("started a local Azurite", LocalAzurite.KEY).contains(
                "Client for account devstoreaccount1 at " + azurite.blobEndpoint() + " (key: ****)",
                "Container lesson-data exists",
                "Uploaded orders.csv (39 bytes) to lesson-data/raw/data.csv",
                "raw/data.csv - 39 bytes",
                "GET with the SAS: HTTP 200, 39 bytes, same as the uploaded file: true",
                "GET without the SAS: HTTP 403");
        assertThat(run.out()).containsPattern("SAS URL, valid 15 minutes, read only: .*sp=r&sig=\\*\\*\\*\\*");
        // state: the blob in the container, and the downloaded copy in the work folder
        assertThat(container.getBlobClient("raw/data.csv").downloadContent().toString()).isEqualTo(Files.readString(input));
        assertThat(dir.resolve("work/downloaded.csv")).hasSameTextualContentAs(input);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void withNoConnectionStringItStartsItsOwnAzuriteAndStopsIt() throws Exception {
        var run = ScriptRun.run("cloud-azure", dir, Map.of("AZURE_STORAGE_CONNECTION_STRING", "", "AZURE_CONTAINER", ""), sample());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines().findFirst().orElse(""))
                .startsWith("[elkit] AZURE_STORAGE_CONNECTION_STRING is not set: started a local Azurite 3.37.0 (blob service) on 127.0.0.1:");
        assertThat(run.out()).contains("Container elkit-lesson created on the local Azurite",
                "GET with the SAS: HTTP 200, ", "same as the uploaded file: true");
        assertThat(dir.resolve("work/downloaded.csv")).hasSameTextualContentAs(Path.of(sample()));
        assertThat(run.err()).isEmpty(); // no SDK or Azurite logging on the learner's screen
    }

    @Test
    void aWrongKeyGetsTheServicesOwnReason() {
        String wrongKey = java.util.Base64.getEncoder().encodeToString("not the account key at all, 64 bytes long.......!!".getBytes(StandardCharsets.UTF_8));

        var run = ScriptRun.run("cloud-azure", dir, env(azurite.blobEndpoint(), wrongKey), sample());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-azure: Azure Blob Storage answered HTTP 403 AuthorizationFailure to GET "
                + azurite.blobEndpoint() + "/lesson-data?restype=container\n");
        assertThat(run.out() + run.err()).doesNotContain(wrongKey);
    }

    @Test
    void aMissingContainerIsNamed() {
        var env = env();
        env.put("AZURE_CONTAINER", "no-such-container");

        var run = ScriptRun.run("cloud-azure", dir, env, sample());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-azure: container 'no-such-container' does not exist in account devstoreaccount1 (AZURE_CONTAINER)\n");
        assertThat(new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("no-such-container").exists()).as("not created behind the user's back").isFalse();
    }

    @Test
    void aMissingBlobGetsBlobNotFoundAndNoFile() {
        var run = ScriptRun.run("cloud-azure", dir, env(), sample(), "raw/missing.csv");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-azure: Azure Blob Storage answered HTTP 404 BlobNotFound to GET "
                + azurite.blobEndpoint() + "/lesson-data/raw%2Fmissing.csv\n");
        assertThat(dir.resolve("work/downloaded.csv")).doesNotExist();
        assertThat(dir.resolve("work")).isEmptyDirectory(); // no temp file left behind
    }

    @Test
    void aMissingLocalFileIsNamedBeforeAnythingIsUploaded() {
        Path missing = dir.resolve("no-such-file.csv");

        var run = ScriptRun.run("cloud-azure", dir, env(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-azure: input file " + missing + " does not exist\n");
    }

    @Test
    void aClosedPortFailsAfterABoundedWaitWithOneLine() {
        String endpoint = "http://127.0.0.1:" + Ports.closed() + "/" + LocalAzurite.ACCOUNT;
        long started = System.nanoTime();

        var run = ScriptRun.run("cloud-azure", dir, env(endpoint, LocalAzurite.KEY), sample());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("cloud-azure: cannot reach Azure Blob Storage at " + endpoint + ": connection refused (3 tries)\n");
        assertThat((System.nanoTime() - started) / 1e9).as("seconds: 3 tries, 0.5 s and 1 s apart, plus JVM start").isLessThan(60);
    }

    @Test
    void aDownloadCutOffMidwayLeavesTheOlderFileAsItWas() throws Exception {
        Path input = dir.resolve("big.csv");
        var csv = new StringBuilder("id,value\n");
        for (int i = 0; i < 60_000; i++) csv.append(i).append(",value-").append(i).append('\n');
        Files.writeString(input, csv);                       // about 1 MB
        Path older = dir.resolve("work/downloaded.csv");
        Files.createDirectories(older.getParent());
        Files.writeString(older, "the older file\n");

        try (var proxy = new CuttingRelay(azurite.port(), 200_000, true)) {
            var run = ScriptRun.run("cloud-azure", dir, env("http://127.0.0.1:" + proxy.port() + "/" + LocalAzurite.ACCOUNT, LocalAzurite.KEY),
                    input.toString());

            assertThat(proxy.cuts()).as("the relay cut a response").isPositive();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).startsWith("cloud-azure: download of lesson-data/raw/data.csv failed midway (")
                    .endsWith("); " + older + " was left as it was\n");
            assertThat(run.err().lines()).hasSize(1);
        }
        assertThat(older).hasContent("the older file");
        try (var files = Files.list(older.getParent())) {
            assertThat(files).containsExactly(older); // no partial temp file beside it
        }
    }

    @Test
    void withoutNodeItExitsTwoNamingTheVariableAndWhatToInstall() {
        var run = ScriptRun.run("cloud-azure", dir, Map.of("AZURE_STORAGE_CONNECTION_STRING", "", "PATH", dir.toString()), sample());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("cloud-azure: AZURE_STORAGE_CONNECTION_STRING is not set and the local Azurite cannot run:"
                + " Node.js (node) is not on PATH (install Node.js 20 or newer with npm, or set AZURE_STORAGE_CONNECTION_STRING)\n");
    }

    @Test
    void sandboxAzurePrintsAConnectionStringThatWorksAndStopsOnTerminate() throws Exception {
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "sandbox", "azure");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String connectionString = null;
            var lines = new ArrayList<String>();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                if (line.startsWith("export AZURE_STORAGE_CONNECTION_STRING='")) {
                    connectionString = line.substring(line.indexOf('\'') + 1, line.length() - 1);
                }
                if (line.equals("# Stop it with Ctrl-C.")) break;
            }
            assertThat(connectionString).as(String.join("\n", lines)).isNotNull();
            var sandboxContainer = new BlobServiceClientBuilder().connectionString(connectionString).buildClient()
                    .getBlobContainerClient("from-the-sandbox");
            sandboxContainer.create();
            sandboxContainer.getBlobClient("hello.txt").upload(BinaryData.fromString("hello"));
            assertThat(sandboxContainer.getBlobClient("hello.txt").downloadContent().toString()).isEqualTo("hello");
            int port = Integer.parseInt(connectionString.replaceAll(".*BlobEndpoint=http://127\\.0\\.0\\.1:(\\d+)/.*", "$1"));

            process.destroy(); // SIGTERM, what Ctrl-C's shutdown path runs too

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                throw new AssertionError("Azurite still listens on " + port + " after the sandbox stopped");
            } catch (IOException expected) {
                // refused: Azurite is gone with the sandbox
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void aFailedFirstInstallSaysSoAndLeavesNothingHalfInstalled() throws Exception {
        // npm that fails as it would offline; node is still found in /usr/bin or wherever PATH has it
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\necho 'npm error code ENOTFOUND'\necho 'npm error network request to the registry failed' >&2\nexit 1\n");
        npm.toFile().setExecutable(true);
        Path cache = dir.resolve("cache");

        var run = ScriptRun.run("cloud-azure", dir, Map.of("AZURE_STORAGE_CONNECTION_STRING", "", "XDG_CACHE_HOME", cache.toString(),
                "PATH", bin + java.io.File.pathSeparator + System.getenv("PATH")), sample());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("[elkit] first use: installing Azurite 3.37.0 with npm into "
                + cache.resolve("elkit/azurite-3.37.0") + " (once, about a minute)\n");
        assertThat(run.err()).isEqualTo("cloud-azure: AZURE_STORAGE_CONNECTION_STRING is not set and the local Azurite did not start:"
                + " npm could not install Azurite 3.37.0: npm error network request to the registry failed\n");
        try (var left = Files.list(cache.resolve("elkit"))) {
            assertThat(left).as("no half-installed Azurite, no staging folder").isEmpty();
        }
    }
}
