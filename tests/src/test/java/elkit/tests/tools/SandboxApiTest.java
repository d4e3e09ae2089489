package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.ScriptRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./jbang sandbox api and shop: start the process, read its export lines, use them, stop it. */
class SandboxApiTest {

    @TempDir
    Path dir;

    static final Pattern EXPORT = Pattern.compile("export (\\w+)='([^']*)'");
    final HttpClient http = HttpClient.newHttpClient();

    /** Starts {@code sandbox <service>}, returns the process and the exported variables. */
    record Sandbox(Process process, Map<String, String> env) {}

    Sandbox start(String service) throws IOException {
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "sandbox", service);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var env = new HashMap<String, String>();
        var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null && !line.startsWith("# Stop it"); ) {
            var match = EXPORT.matcher(line);
            if (match.matches()) env.put(match.group(1), match.group(2));
        }
        return new Sandbox(process, env);
    }

    void stop(Sandbox sandbox) throws InterruptedException {
        sandbox.process().destroy(); // SIGTERM: the shutdown hook closes the server
        assertThat(sandbox.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) request.headers(headers);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sandboxApiExportsTheContractVariablesAndStopsOnSignal() throws Exception {
        var sandbox = start("api");
        try {
            assertThat(sandbox.env()).containsOnlyKeys("API_BASE_URL", "API_TOKEN", "POKEAPI_BASE_URL");
            String base = sandbox.env().get("API_BASE_URL");
            assertThat(base).matches("http://127\\.0\\.0\\.1:\\d+/v1");

            var data = get(base + "/data", "Authorization", "Bearer " + sandbox.env().get("API_TOKEN"));
            assertThat(data.statusCode()).isEqualTo(200);
            assertThat(data.body()).contains("\"orders\":42");
            assertThat(get(base + "/data").statusCode()).isEqualTo(401);
            assertThat(get(sandbox.env().get("POKEAPI_BASE_URL") + "/pokemon/1").body()).contains("\"bulbasaur\"");

            // a lesson pointed at it by the exported variables uses it instead of starting its own
            var run = ScriptRun.run("api-client", dir, sandbox.env());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).doesNotContain("is not set: started").contains("Fetched 250 customers");
        } finally {
            stop(sandbox);
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> get(sandbox.env().get("API_BASE_URL") + "/items")))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void sandboxShopExportsScrapeUrl() throws Exception {
        var sandbox = start("shop");
        try {
            assertThat(sandbox.env()).containsOnlyKeys("SCRAPE_URL");
            assertThat(get(sandbox.env().get("SCRAPE_URL")).body()).contains("<title>ELKit Demo Shop</title>");
        } finally {
            stop(sandbox);
        }
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> get(sandbox.env().get("SCRAPE_URL"))))
                .isInstanceOf(ConnectException.class);
    }
}
