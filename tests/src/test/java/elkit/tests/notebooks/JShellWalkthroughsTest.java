package elkit.tests.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import elkit.tests.support.Launcher;
import elkit.tests.support.Notebooks;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JShell walkthroughs, chapters/05-extract-load/jshell/NN-*.jsh: one per notebook, made from it by
 * {@code ./jbang to-jshell} (scripts/tools/to-jshell.java), committed up to date, and each run whole through the real
 * {@code ./jbang} and real JShell, showing what its notebook promises in {@code metadata.elkit.expect}.
 */
class JShellWalkthroughsTest {

    static final String WALKTHROUGHS = "chapters/05-extract-load/jshell";
    /** The generator's alias: scripts/tools/to-jshell.java, compiled with the tests as class to_jshell. */
    static final String GENERATOR = "to-jshell";

    /** What JShell prints when a snippet does not compile or throws (with or without its "|  " prefix). */
    static final Pattern JSHELL_ERROR = Pattern.compile("(?m)^(\\|  )?(Error:|Exception |Caused by: )");

    static List<Path> notebooks() throws IOException {
        return Notebooks.notebooks();
    }

    static Path walkthroughOf(Path notebook) {
        return Repo.path(WALKTHROUGHS).resolve(notebook.getFileName().toString().replaceFirst("\\.ipynb$", ".jsh"));
    }

    /** The generator in its own JVM, compiled with the tests (Jackson on their classpath), run in {@code root}. */
    static ScriptRun generator(Path root, Path work, String... args) {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Repo.scriptClass(GENERATOR)));
        command.addAll(List.of(args));
        return ScriptRun.exec(command, root, Map.of("ELKIT_WORK", work.toString()));
    }

    @Test
    void everyNotebookHasItsWalkthroughAndNoneIsStale(@TempDir Path work) {
        var run = generator(Repo.root(), work, "--check");

        assertThat(run.exitCode()).as("walkthroughs out of date with their notebooks; run ./jbang " + GENERATOR
                + " and commit them\n" + run).isZero();
        assertThat(run.out()).contains(notebooksCount() + " walkthroughs up to date");
    }

    @Test
    void theCheckFailsOnAStaleOrMissingWalkthroughAndTheGeneratorMendsIt(@TempDir Path copy) throws IOException {
        // a copy of what the generator reads, so that the repository itself is never touched
        for (String folder : List.of("notebooks", "scripts", WALKTHROUGHS)) {
            Files.createDirectories(copy.resolve(folder));
            try (Stream<Path> files = Files.list(Repo.path(folder))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, copy.resolve(folder).resolve(file.getFileName()));
                }
            }
        }
        Files.copy(Repo.path("jbang-catalog.json"), copy.resolve("jbang-catalog.json"));
        Path stale = copy.resolve(WALKTHROUGHS + "/03-apis.jsh");
        String original = Files.readString(stale);
        Files.writeString(stale, original.replace("bulbasaur", "pikachu"));
        Files.delete(copy.resolve(WALKTHROUGHS + "/07-html-scraping.jsh"));
        Files.writeString(copy.resolve(WALKTHROUGHS + "/99-gone.jsh"), "// its notebook was removed\n");

        var check = generator(copy, copy.resolve("work"), "--check");

        assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
        assertThat(check.err()).contains(
                "to-jshell: " + WALKTHROUGHS + "/03-apis.jsh is stale",
                "to-jshell: " + WALKTHROUGHS + "/07-html-scraping.jsh is missing",
                "to-jshell: " + WALKTHROUGHS + "/99-gone.jsh has no notebook any more",
                "to-jshell: make them again from the notebooks with: ./jbang " + GENERATOR);

        var mend = generator(copy, copy.resolve("work"));

        assertThat(mend.exitCode()).as(mend.toString()).isZero();
        assertThat(stale).hasContent(original);
        assertThat(copy.resolve(WALKTHROUGHS + "/07-html-scraping.jsh")).hasSameTextualContentAs(
                Repo.path(WALKTHROUGHS + "/07-html-scraping.jsh"));
        assertThat(copy.resolve(WALKTHROUGHS + "/99-gone.jsh")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void theChapterPageLinksTheWalkthroughNextToItsNotebook(Path notebook) {
        String name = notebook.getFileName().toString();
        Path page = Repo.path("chapters/05-extract-load").resolve(name.replaceFirst("\\.ipynb$", ".md"));
        if (!Files.exists(page)) {
            System.out.println("[jshell] " + name + " has no chapter page of its name: no link to check");
            return;
        }
        String text = Repo.read(Repo.root().relativize(page).toString());
        String link = "(jshell/" + walkthroughOf(notebook).getFileName() + ")";
        assertThat(text).as(page + " links its walkthrough as " + link).contains(link);
        int notebookAt = text.indexOf(name), linkAt = text.indexOf(link);
        assertThat(notebookAt).as(page + " names its notebook " + name).isNotNegative();
        assertThat(Math.abs(linkAt - notebookAt)).as("the walkthrough's link is next to the notebook's name").isLessThan(300);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notebooks")
    void theWalkthroughRunsWholeInJShellAndShowsWhatItsNotebookPromises(Path notebook, @TempDir Path work)
            throws IOException {
        Path walkthrough = walkthroughOf(notebook);
        assertThat(walkthrough).as("made by ./jbang " + GENERATOR).isRegularFile();

        long started = System.currentTimeMillis();
        var run = ScriptRun.exec(List.of(Repo.path("jbang").toString(), Repo.root().relativize(walkthrough).toString()),
                Repo.root(), Launcher.jshellEnv(work));
        removeJBangLeftovers(walkthrough.getFileName().toString(), started);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(JSHELL_ERROR.matcher(run.out() + run.err()).find())
                .as("a snippet failed to compile or threw\n" + run).isFalse();
        for (JsonNode expected : new ObjectMapper().readTree(notebook.toFile()).at("/metadata/elkit/expect")) {
            assertShows(run, expected.asText());
        }
    }

    /**
     * JBang writes the walkthrough's startup and /exit files into the JVM's temp folder and leaves them there
     * (jbang_arguments_*NN-x.jsh, jbang_exit_*NN-x.jsh): the test removes the ones its run made.
     */
    static void removeJBangLeftovers(String name, long since) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.matches("jbang_(arguments|exit)_\\d+" + Pattern.quote(name))
                        && Files.getLastModifiedTime(file).toMillis() >= since - 1000) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * The notebook shows a table as HTML ({@code <td>Alice</td>}); JShell, a terminal, shows the same table
     * as aligned text. So an expected HTML cell must be a cell of a text table line there; any other
     * expected text must appear as it is.
     */
    static void assertShows(ScriptRun run, String expected) {
        var cell = Pattern.compile("^<td[^>]*>(.*)</td>$").matcher(expected);
        if (!cell.matches()) {
            assertThat(run.out()).as(run.toString()).contains(expected);
            return;
        }
        var tableCell = Pattern.compile("(?m)^(.*\\| )? *" + Pattern.quote(cell.group(1)) + " *( \\|.*)?$");
        assertThat(tableCell.matcher(run.out()).find())
                .as("the HTML cell " + expected + " as a cell of a text table in\n" + run).isTrue();
    }

    static long notebooksCount() {
        try {
            return notebooks().size();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
