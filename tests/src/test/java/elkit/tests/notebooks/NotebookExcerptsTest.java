package elkit.tests.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.tests.support.Excerpts;
import elkit.tests.support.Notebooks;
import elkit.tests.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A notebook's code cells are the scripts' own code. Only a cell whose first line is a
 * {@code // notebook:} comment may hold notebook-only code (loading jars, stand-ins for arguments).
 */
class NotebookExcerptsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Notebooks#notebooks")
    void everyCodeCellIsAScriptExcerptOrSaysItIsNotebookOnly(Path notebook) throws IOException {
        var json = new ObjectMapper().readTree(notebook.toFile());
        var scripts = new ArrayList<String>();
        for (Path script : Repo.scripts()) scripts.add(Files.readString(script));

        var problems = new ArrayList<String>();
        int cellNumber = 0;
        for (String cell : Notebooks.codeCells(json)) {
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
    @MethodSource("elkit.tests.support.Notebooks#notebooks")
    void theNotebookIsCommittedCleanForTheJavaKernel(Path notebook) throws IOException {
        var json = new ObjectMapper().readTree(notebook.toFile());

        assertThat(json.at("/metadata/kernelspec/name").asText()).isEqualTo("rapaio-jupyter-kernel");
        assertThat(Notebooks.codeCells(json).get(0)).contains("%jar target/classpath");
        for (JsonNode cell : json.get("cells")) {
            if (cell.has("outputs")) assertThat(cell.get("outputs")).as("outputs are not committed").isEmpty();
        }
        assertThat(json.at("/metadata/elkit/expect").isArray())
                .as("metadata.elkit.expect lists text the executed notebook must show").isTrue();
    }
}
