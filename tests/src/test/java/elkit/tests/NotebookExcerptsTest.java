package elkit.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.tests.support.Excerpts;
import elkit.tests.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A notebook's code cells are the scripts' own code. Only a cell whose first line is a
 * {@code // notebook:} comment may hold notebook-only code (loading jars, stand-ins for arguments).
 */
class NotebookExcerptsTest {

    static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path("notebooks"))) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    static List<String> codeCells(JsonNode notebook) {
        var cells = new ArrayList<String>();
        for (JsonNode cell : notebook.get("cells")) {
            if (cell.get("cell_type").asText().equals("code")) cells.add(source(cell));
        }
        return cells;
    }

    static String source(JsonNode cell) {
        JsonNode source = cell.get("source");
        if (source.isTextual()) return source.asText();
        var text = new StringBuilder();
        source.forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void everyCodeCellIsAScriptExcerptOrSaysItIsNotebookOnly(Path notebook) throws IOException {
        var json = new ObjectMapper().readTree(notebook.toFile());
        var scripts = new ArrayList<String>();
        for (Path script : Repo.scripts()) scripts.add(Files.readString(script));

        var problems = new ArrayList<String>();
        int cellNumber = 0;
        for (String cell : codeCells(json)) {
            cellNumber++;
            if (cell.strip().startsWith("// notebook:")) continue;
            var from = scripts.stream().filter(script -> Excerpts.isExcerptOf(cell, script)).findFirst();
            if (from.isEmpty()) {
                problems.add("code cell " + cellNumber + " is not in any script: "
                        + Excerpts.normalize(cell).stream().findFirst().orElse("(empty)"));
            } else if (Excerpts.notWholeStatements(cell, from.get()) != null) {
                String cut = Excerpts.notWholeStatements(cell, from.get());
                problems.add("code cell " + cellNumber + " is not whole statements: " + cut);
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void theNotebookIsCommittedCleanForTheJavaKernel(Path notebook) throws IOException {
        var json = new ObjectMapper().readTree(notebook.toFile());

        assertThat(json.at("/metadata/kernelspec/name").asText()).isEqualTo("rapaio-jupyter-kernel");
        assertThat(codeCells(json).get(0)).contains("%jar target/classpath");
        for (JsonNode cell : json.get("cells")) {
            if (cell.has("outputs")) assertThat(cell.get("outputs")).as("outputs are not committed").isEmpty();
        }
        assertThat(json.at("/metadata/elkit/expect").isArray())
                .as("metadata.elkit.expect lists text the executed notebook must show").isTrue();
    }
}
