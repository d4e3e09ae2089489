package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer 3: each notebook executed by real Jupyter (nbconvert) on the real rapaio Java kernel,
 * the jar that notebooks/pom.xml copies. About one kernel start in eight hangs on these machines,
 * so the start has a short timeout and up to three attempts.
 */
class NotebooksRunTest {

    static final int ATTEMPTS = 3;
    static final String KERNEL = "rapaio-jupyter-kernel";

    @TempDir
    static Path jupyterPath;

    static List<Path> notebooks() throws IOException {
        return NotebookExcerptsTest.notebooks();
    }

    @BeforeAll
    static void installKernelSpec() throws IOException {
        boolean jupyter = ScriptRun.exec(List.of("sh", "-c", "command -v jupyter"), jupyterPath, Map.of()).exitCode() == 0;
        if (!jupyter) {
            String reason = "Jupyter is not installed (apt-get install jupyter-core jupyter-client python3-nbclient"
                    + " jupyter-nbconvert python3-nbformat python3-ipykernel): notebook tests skipped";
            assertThat("true".equals(System.getenv("CI"))).as("CI=true, so " + reason).isFalse();
            System.out.println("[notebooks] " + reason);
            assumeTrue(false, reason);
        }
        writeKernelSpec(jupyterPath);
    }

    /** The Java kernel's spec in {@code jupyterPath}/kernels/, as a learner's install writes it: the jar notebooks/pom.xml copies. */
    static void writeKernelSpec(Path jupyterPath) throws IOException {
        Path jar = Repo.path("notebooks/target/kernel/rapaio-jupyter-kernel.jar");
        assertThat(jar).as("built by the notebooks module (mvn -pl notebooks -am package)").isRegularFile();
        Path spec = Files.createDirectories(jupyterPath.resolve("kernels").resolve(KERNEL));
        var kernel = Map.of(
                "argv", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar", jar.toString(), "{connection_file}"),
                "display_name", "Java (rapaio)",
                "language", "java",
                "interrupt_mode", "message",
                "env", Map.of("RJK_TIMEOUT_MILLIS", "-1", "RJK_MIMA_CACHE", jupyterPath.resolve("mima").toString()));
        new ObjectMapper().writeValue(spec.resolve("kernel.json").toFile(), kernel);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void theNotebookRunsInTheJavaKernelAndShowsWhatItPromises(Path notebook, @TempDir Path work) throws IOException {
        Path executed = work.resolve("executed.ipynb");
        ScriptRun run = null;
        int attempt = 0;
        while (attempt < ATTEMPTS) {
            attempt++;
            run = ScriptRun.exec(List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
                            "--ExecutePreprocessor.kernel_name=" + KERNEL,
                            "--ExecutePreprocessor.startup_timeout=30",
                            "--ExecutePreprocessor.timeout=300",
                            "--output", executed.toString(), notebook.getFileName().toString()),
                    notebook.getParent(), Map.of("JUPYTER_PATH", jupyterPath.toString(),
                            "ELKIT_WORK", work.resolve("work").toString()));
            if (run.exitCode() == 0 || !kernelDidNotStart(run)) break;
            System.out.println("[notebooks] " + notebook.getFileName() + ": kernel did not start, attempt " + attempt);
        }
        System.out.println("[notebooks] " + notebook.getFileName() + ": attempt " + attempt + " of " + ATTEMPTS
                + (run.exitCode() == 0 ? " succeeded" : " failed"));
        assertThat(run.exitCode()).as(run.toString()).isZero();

        var json = new ObjectMapper().readTree(executed.toFile());
        var shown = new StringBuilder();
        var errors = new ArrayList<String>();
        var images = new ArrayList<java.awt.image.BufferedImage>();
        for (JsonNode cell : json.get("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if (output.path("output_type").asText().equals("error")) errors.add(output.toString());
                if (output.path("data").has("image/png")) { // a chart, saved in the notebook as base64 PNG
                    byte[] png = java.util.Base64.getMimeDecoder().decode(output.path("data").path("image/png").asText());
                    images.add(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)));
                }
                output.path("text").forEach(t -> shown.append(t.asText()));
                output.path("data").forEach(d -> d.forEach(t -> shown.append(t.asText())));
            }
        }
        assertThat(errors).as("errors shown by the notebook").isEmpty();
        for (JsonNode expected : json.at("/metadata/elkit/expect")) {
            assertThat(shown.toString()).contains(expected.asText());
        }
        assertThat(images).as("charts shown as images").hasSize(json.at("/metadata/elkit/images").asInt(0));
        for (var image : images) {
            assertThat(image).as("a PNG that opens").isNotNull();
            assertThat(image.getWidth()).isBetween(800, 2000);
        }
    }

    private static boolean kernelDidNotStart(ScriptRun run) {
        return run.err().contains("Kernel didn't respond") || run.err().contains("RuntimeError: Kernel died")
                || run.err().contains("TimeoutError");
    }
}
