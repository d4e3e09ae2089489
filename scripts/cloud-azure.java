///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "Azure SDK - Azure Blob Storage": azure-storage-blob from a connection string, upload, download, list, and a SAS URL fetched by plain HTTP; a local Azurite when none is set.
//DEPS com.azure:azure-storage-blob:12.35.0
// the versions the tests run with (ClasspathParityTest): one Jackson, one Netty for every lesson
//DEPS com.fasterxml.jackson:jackson-bom:2.23.0@pom io.netty:netty-bom:4.1.135.Final@pom
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS org.slf4j:slf4j-nop:2.0.17
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/local/LocalAzurite.java
//SOURCES ../lib/src/main/java/elkit/local/LocalServer.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

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
import elkit.Cli;
import elkit.DataFiles;
import elkit.Env;
import elkit.local.LocalAzurite;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Usage: cloud-azure [upload.csv] [blob-to-download] [--verbose]
 * Target: AZURE_STORAGE_CONNECTION_STRING and AZURE_CONTAINER (which must exist); when the connection
 * string is unset, a local Azurite (npm package azurite, installed on first use) with a fresh
 * container. upload.csv defaults to the sample customers.csv; blob-to-download defaults to the blob
 * just uploaded.
 */
class cloud_azure {

    static final String LESSON_CONTAINER = "elkit-lesson";

    static final Options OPTIONS = Options.usage("cloud-azure [upload.csv] [blob-to-download]")
            .argument("upload.csv", "the file to upload (default: the sample customers.csv)")
            .argument("blob-to-download", "the blob to download (default: raw/data.csv)")
            .env("Azure Blob", "ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(cloud_azure::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        Path localFile = DataFiles.input(args, 0, "customers.csv");
        String downloadName = args.size() > 1 ? args.get(1) : "raw/data.csv";
        boolean local = Env.optional("AZURE_STORAGE_CONNECTION_STRING").isEmpty();
        // The target: the user's account from the connection string, else a real Azurite started for this run
        try (var azurite = local ? startAzurite() : null) {
            String connectionString = local ? azurite.connectionString() : Env.required("AZURE_STORAGE_CONNECTION_STRING");
            String containerName = Env.get("AZURE_CONTAINER", LESSON_CONTAINER);
            teach(connectionString, containerName, local, localFile, downloadName);
        }
    }

    static void teach(String connectionString, String containerName, boolean local, Path localFile, String downloadName) throws Exception {
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

        try {
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
        } catch (BlobStorageException e) {
            // The service's own reason in one line: AuthenticationFailed on Azure (Azurite says AuthorizationFailure), BlobNotFound ...
            throw Cli.fail("Azure Blob Storage answered HTTP %d %s to %s %s", e.getStatusCode(), e.getErrorCode(),
                    e.getResponse().getRequest().getHttpMethod(), e.getResponse().getRequest().getUrl());
        } catch (RuntimeException e) {
            if (e instanceof Cli.Failure || networkReason(e) == null) throw e;
            throw Cli.fail("cannot reach Azure Blob Storage at %s: %s (3 tries)", account, networkReason(e));
        }
    }

    /** Starts Azurite, or says in one line what the user can do without Node.js. */
    static LocalAzurite startAzurite() {
        try {
            return LocalAzurite.start();
        } catch (LocalAzurite.Unavailable e) {
            throw Cli.fail(2, "AZURE_STORAGE_CONNECTION_STRING is not set and the local Azurite cannot run: %s"
                    + " (install Node.js 20 or newer with npm, or set AZURE_STORAGE_CONNECTION_STRING)", e.getMessage());
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw Cli.fail("AZURE_STORAGE_CONNECTION_STRING is not set and the local Azurite did not start: %s", e.getMessage());
        }
    }

    /** The network error under {@code e} (refused, reset, closed early), or null when there is none. */
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
}
