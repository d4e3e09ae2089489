package elkit.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The notebooks, their code cells, and the Java kernel's spec, as the notebook tests read and install them. */
public final class Notebooks {
    private Notebooks() {}

    public static final String KERNEL = "rapaio-jupyter-kernel";

    public static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path("notebooks"))) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    public static List<String> codeCells(JsonNode notebook) {
        var cells = new ArrayList<String>();
        for (JsonNode cell : notebook.get("cells")) {
            if (cell.get("cell_type").asText().equals("code")) cells.add(source(cell));
        }
        return cells;
    }

    public static String source(JsonNode cell) {
        JsonNode source = cell.get("source");
        if (source.isTextual()) return source.asText();
        var text = new StringBuilder();
        source.forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    /** The Java kernel's spec in {@code jupyterPath}/kernels/, as a learner's install writes it: the jar notebooks/pom.xml copies. */
    public static void writeKernelSpec(Path jupyterPath) throws IOException {
        Path jar = Repo.path("notebooks/target/kernel/rapaio-jupyter-kernel.jar");
        assertThat(jar).as("built by the notebooks module (mvn -pl notebooks -am package)").isRegularFile();
        Path spec = Files.createDirectories(jupyterPath.resolve("kernels").resolve(KERNEL));
        // the kernel JVM's temp folder (native libraries DuckDB and SQLite unpack) inside the test's own, so a
        // kernel that Jupyter kills leaves nothing in /tmp
        Path kernelTmp = Files.createDirectories(jupyterPath.resolve("kernel-tmp"));
        var kernel = Map.of(
                "argv", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + kernelTmp, "-Dorg.sqlite.tmpdir=" + kernelTmp,
                        "-cp", Repo.path("notebooks/kernel-logging") + java.io.File.pathSeparator + jar,
                        "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"),
                "display_name", "Java (rapaio)",
                "language", "java",
                "interrupt_mode", "message",
                "env", Map.of("RJK_TIMEOUT_MILLIS", "-1", "RJK_MIMA_CACHE", jupyterPath.resolve("mima").toString()));
        new ObjectMapper().writeValue(spec.resolve("kernel.json").toFile(), kernel);
    }
}
