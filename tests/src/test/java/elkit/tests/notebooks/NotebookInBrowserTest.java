package elkit.tests.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.tests.support.Notebooks;
import elkit.tests.support.Ports;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a learner does: opens notebook 01 in Jupyter (Debian's classic jupyter-notebook) in a real browser
 * (Debian's headless Chromium, driven by playwright-core from npm, tests/browser/), checks the Java kernel,
 * runs all cells and looks: no error, the first query's table as an HTML table with its row, the benchmark's
 * chart as an image. Screenshots go to tests/target/browser/. The notebook is served from a temp copy, so
 * nothing the browser does is saved into the repository.
 */
class NotebookInBrowserTest {

    static final String NOTEBOOK = "01-database-drivers.ipynb";
    static final Duration TIMEOUT = Duration.ofMinutes(10); // to run every cell; the kernel's start has its own limit (the .mjs)

    @TempDir
    Path temp;

    @Test
    void aLearnerRunsNotebook01InTheBrowserAndSeesTablesAndTheChart() throws Exception {
        String missing = missing();
        if (missing != null) {
            String reason = missing + ": the browser test is skipped (see README, \"Check a lab machine in a browser\")";
            assertThat("true".equals(System.getenv("CI"))).as("CI=true, so " + reason).isFalse();
            System.out.println("[browser] " + reason);
            assumeTrue(false, reason);
        }
        Path browser = Repo.path("tests/browser");
        if (!Files.isDirectory(browser.resolve("node_modules/playwright-core"))) {
            // playwright-core from npm, at the version package-lock.json pins; no browser download (Debian's Chromium is used)
            var install = ScriptRun.exec(List.of("npm", "ci", "--no-audit", "--no-fund"), browser,
                    java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"));
            assertThat(install.exitCode()).as("npm ci in tests/browser: " + install).isZero();
        }

        // the repository as Jupyter sees it, but with a copy of the notebook: autosave and checkpoints land in temp
        Path site = Files.createDirectories(temp.resolve("site"));
        try (Stream<Path> top = Files.list(Repo.root())) {
            for (Path entry : top.toList()) {
                if (!entry.getFileName().toString().equals("notebooks") && !entry.getFileName().toString().startsWith(".")) {
                    Files.createSymbolicLink(site.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path notebooks = Files.createDirectories(site.resolve("notebooks"));
        try (Stream<Path> files = Files.list(Repo.path("notebooks"))) {
            for (Path entry : files.toList()) {
                if (!entry.getFileName().toString().endsWith(".ipynb")) {
                    Files.createSymbolicLink(notebooks.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        String committed = Files.readString(Repo.path("notebooks/" + NOTEBOOK));
        Files.copy(Repo.path("notebooks/" + NOTEBOOK), notebooks.resolve(NOTEBOOK));

        Path jupyterPath = Files.createDirectories(temp.resolve("jupyter"));
        Notebooks.writeKernelSpec(jupyterPath);
        int port = Ports.closed(); // free a moment ago; Jupyter is told not to try another
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        var command = new ArrayList<>(List.of("jupyter", "notebook", "--no-browser", "--ip=127.0.0.1", "--port=" + port,
                "--port-retries=0", "--NotebookApp.token=" + token, "--NotebookApp.open_browser=False",
                "--notebook-dir=" + site));
        if ("root".equals(System.getProperty("user.name"))) command.add("--allow-root"); // CI and containers run as root
        var jupyter = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(temp.resolve("jupyter.log").toFile());
        var env = jupyter.environment();
        env.put("JUPYTER_PATH", jupyterPath.toString());
        env.put("JUPYTER_CONFIG_DIR", Files.createDirectories(temp.resolve("config")).toString());
        env.put("JUPYTER_DATA_DIR", Files.createDirectories(temp.resolve("data")).toString());
        env.put("JUPYTER_RUNTIME_DIR", Files.createDirectories(temp.resolve("runtime")).toString());
        env.put("ELKIT_WORK", temp.resolve("work").toString());
        env.put("JAVA_TOOL_OPTIONS", elkit.tests.support.ScriptRun.TEST_JVM_OPTIONS); // the kernel's JVM, as in every test
        env.put("PATH", "/usr/bin:" + env.getOrDefault("PATH", "")); // Debian's python3, not a pyenv one
        env.remove("PG_URL");
        env.remove("MYSQL_URL");
        Process server = jupyter.start();
        Path shots = Repo.path("tests/target/browser");
        long started = System.nanoTime();
        try {
            try {
                waitUntilUp(port, token, server);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ":\n" + tail(temp.resolve("jupyter.log")), e);
            }
            String url = "http://127.0.0.1:" + port + "/notebooks/notebooks/" + NOTEBOOK + "?token=" + token;
            Path out = temp.resolve("report.json"), err = temp.resolve("browser.log");
            Process node = new ProcessBuilder("node", "notebook-in-browser.mjs", url, "Java (rapaio)", shots.toString(),
                    Long.toString(TIMEOUT.toSeconds()))
                    .directory(browser.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!node.waitFor(TIMEOUT.toSeconds() + 3 * 150 + 60, TimeUnit.SECONDS)) { // the run, up to three kernel starts
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                throw new AssertionError("the browser did not finish in " + TIMEOUT + ":\n" + Files.readString(err));
            }
            String log = Files.readString(err) + "\n--- jupyter\n" + tail(temp.resolve("jupyter.log"));
            System.out.println(Files.readString(err).strip());
            assertThat(Files.readString(out)).as("the browser's report; its log:\n" + log).isNotBlank();
            JsonNode report = new ObjectMapper().readTree(out.toFile());
            assertThat(report.path("failure").asText("")).as(log).isEmpty();

            assertThat(report.path("kernel").asText()).isEqualTo("Java (rapaio)");
            assertThat(report.path("errors")).as("error outputs, as the learner sees them").isEmpty();
            // what the notebook promises (metadata.elkit.expect), in what the page shows; NotebooksRunTest leaves
            // notebook 01 to this test. A promise written as HTML source (<td>...) is a table cell, checked below
            for (JsonNode expected : new ObjectMapper().readTree(committed).at("/metadata/elkit/expect")) {
                if (!expected.asText().startsWith("<")) assertThat(report.path("text").asText()).contains(expected.asText());
            }
            long codeCells = Notebooks.codeCells(new ObjectMapper().readTree(committed)).size();
            assertThat(report.path("codeCells").asLong()).as("the page shows the notebook's code cells").isEqualTo(codeCells);
            assertThat(report.path("executed").asLong()).as("every code cell ran").isEqualTo(codeCells);

            // the first table the notebook shows: SQLite's customers at the end of its section (a fresh database:
            // the batch's three rows, Alice Johnson and the injection attempt stored as plain text)
            JsonNode first = report.path("tables").path(0);
            assertThat(texts(first.path("headers"))).containsExactly("customer_id", "name", "email", "balance");
            assertThat(first.path("rows")).hasSize(5);
            assertThat(texts(first.path("rows").path(3))).containsExactly("101", "Alice Johnson", "alice@example.com", "5420.5");
            assertThat(texts(first.path("rows").path(4))).containsExactly("104", "Robert'); DROP TABLE customers;--", "NULL", "0.0");

            // the benchmark's chart: a PNG the browser decoded and laid out
            assertThat(report.path("images")).as("charts in the page").hasSize(1);
            JsonNode chart = report.path("images").path(0);
            assertThat(chart.path("type").asText()).isEqualTo("data:image/png");
            assertThat(chart.path("complete").asBoolean()).isTrue();
            assertThat(chart.path("naturalWidth").asInt()).isEqualTo(1000);
            assertThat(chart.path("shownWidth").asInt()).isGreaterThan(400);
            assertThat(chart.path("shownHeight").asInt()).isGreaterThan(200);
            for (JsonNode shot : report.path("screenshots")) assertThat(Path.of(shot.asText())).isRegularFile();
            System.out.printf("[browser] notebook 01 in Chromium: %d cells, %.0f s, the kernel answered at start %d; screenshots in %s%n",
                    report.path("codeCells").asInt(), (System.nanoTime() - started) / 1e9, report.path("kernelAttempts").asInt(), shots);
        } finally {
            try (Stream<Path> links = Stream.concat(Files.list(site), Files.list(notebooks))) {
                for (Path link : links.filter(Files::isSymbolicLink).toList()) Files.delete(link); // the links, never what they point to
            }
            server.destroy(); // SIGTERM: Jupyter shuts its kernels down
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        }
        assertThat(Files.readString(Repo.path("notebooks/" + NOTEBOOK))).as("the repository's notebook is untouched").isEqualTo(committed);
    }

    /** What this machine lacks for the test, or null. */
    static String missing() {
        for (String[] tool : new String[][] {{"jupyter-notebook", "jupyter-notebook (apt-get install jupyter-notebook)"},
                {"chromium", "Chromium (apt-get install chromium)"}, {"node", "Node.js (apt-get install nodejs npm)"}}) {
            if (!onPath(tool[0]) && !new File("/usr/bin/" + tool[0]).canExecute()) return tool[1] + " is not installed";
        }
        return null;
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) return true;
        }
        return false;
    }

    static void waitUntilUp(int port, String token, Process server) throws Exception {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status?token=" + token))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new AssertionError("jupyter notebook exited with " + server.exitValue());
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("jupyter notebook did not answer on port " + port + " within 2 minutes");
    }

    static List<String> texts(JsonNode array) {
        var texts = new ArrayList<String>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    static String tail(Path file) throws IOException {
        if (!Files.exists(file)) return "";
        var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
