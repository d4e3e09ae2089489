package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ./jbang sandbox connect: a broker and two Connect workers in the foreground, export lines whose REST
 * addresses answer with both Debezium plugins installed, nothing left after stop.
 */
class SandboxConnectTest {

    @Test
    void sandboxConnectPrintsTwoWorkersThatServeThePluginsAndStopsOnTerminate() throws Exception {
        Path tmp = Files.createTempDirectory("sandbox-connect-test");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "sandbox", "connect");
        var builder = new ProcessBuilder(command).directory(Repo.root().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("ELKIT_REPO", Repo.root().toString());
        Process process = builder.start();
        try {
            var env = new LinkedHashMap<String, String>();
            var lines = new ArrayList<String>();
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
                var export = SandboxLines.EXPORT.matcher(line);
                if (export.matches()) env.put(export.group(1), export.group(2));
                if (line.equals("# Stop it with Ctrl-C.")) break;
            }
            String output = String.join("\n", lines);
            assertThat(env).as(output).containsOnlyKeys("CONNECT_URL", "CONNECT_URLS");
            assertThat(output).containsPattern("\\[elkit\\] started a local Kafka Connect cluster of 2 workers .* on http://127\\.0\\.0\\.1:\\d+ in "
                    + "[\\d.]+ s and http://127\\.0\\.0\\.1:\\d+, its broker on 127\\.0\\.0\\.1:\\d+; it runs until you stop it");
            var urls = List.of(env.get("CONNECT_URLS").split(","));
            assertThat(urls).hasSize(2).contains(env.get("CONNECT_URL")).allMatch(u -> u.matches("http://127\\.0\\.0\\.1:\\d+"));

            // each worker answers its REST API: no connector yet, both Debezium plugins installed
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String url : urls) {
                assertThat(get(http, url + "/connectors")).isEqualTo("[]");
                assertThat(get(http, url + "/connector-plugins"))
                        .contains("io.debezium.connector.postgresql.PostgresConnector", "io.debezium.connector.jdbc.JdbcSinkConnector");
            }

            process.destroy(); // SIGTERM, what Ctrl-C's shutdown path runs too

            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("sandbox ended").isTrue();
            for (String url : urls) {
                assertThat(accepts(Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)))).as(url + " closed").isFalse();
            }
            assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("ConnectDistributed") && c.contains(tmp.toString()))).as("workers left").isEmpty();
            try (var left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("elkit-")))
                        .as("folders left behind").isEmpty();
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            elkit.Scratch.deleteQuietly(tmp);
        }
    }

    static String get(HttpClient http, String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
