package elkit.tests.lessons.files;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Python;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesXmlTest {

    @TempDir
    Path dir;

    /** Python's ElementTree reads the written document back. */
    static final String PY_CUSTOMERS = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            for c in root.findall('customer'):
                print(root.tag, c.get('id'), c.find('name').text, c.find('email').text)
            """;

    @Test
    void withoutArgumentsItParsesTheSampleAndWritesADocumentPythonReadsBack() throws Exception {
        Path work = dir.resolve("work");
        var run = ScriptRun.run("files-xml", Repo.root(), Map.of("ELKIT_WORK", work.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("Root element: <customers>")
                .contains("101: Alice Johnson - alice@example.com")
                .contains("102: Bob & Co. - bob@example.com")
                .contains("Found 3 <customer> elements");
        Path output = work.resolve("output.xml");
        assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("""
                <?xml version="1.0" encoding="UTF-8"?>
                <customers>
                  <customer id="101">
                    <name>Alice</name>
                    <email>alice@example.com</email>
                  </customer>
                </customers>
                """);
        assertThat(Python.run(dir, PY_CUSTOMERS, output.toString())).isEqualTo("customers 101 Alice alice@example.com\n");
    }

    @Test
    void itReadsAUsersOwnFileAndToleratesAMissingElement() throws Exception {
        Path mine = dir.resolve("mine.xml");
        Files.writeString(mine, """
                <customers><customer id="7"><name>Solo</name></customer>
                <customer id="8"><email>eight@example.com</email><name>Eight</name></customer></customers>""");
        Path out = dir.resolve("out.xml");

        var run = ScriptRun.run("files-xml", dir, Map.of(), mine.toString(), out.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("7: Solo - \n", "8: Eight - eight@example.com", "Found 2 <customer> elements");
        assertThat(Python.run(dir, PY_CUSTOMERS, out.toString())).isEqualTo("customers 101 Alice alice@example.com\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // an external entity that reads a local file into the document
        "<!DOCTYPE customers [<!ENTITY xxe SYSTEM \"%s\">]>",
        // a parameter entity that pulls in the file while the DTD is read
        "<!DOCTYPE customers [<!ENTITY %% p SYSTEM \"%s\"> %%p;]>",
        // an external DTD
        "<!DOCTYPE customers SYSTEM \"%s\">"})
    void aDoctypeWithAnExternalEntityIsRefusedAndTheFileNeverShows(String doctype) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-4242");
        Path evil = dir.resolve("evil.xml");
        Files.writeString(evil, "<?xml version=\"1.0\"?>\n" + doctype.formatted(secret.toUri())
                + "\n<customers><customer id=\"1\"><name>&xxe;</name><email>x</email></customer></customers>\n");
        Path out = dir.resolve("out.xml");

        var run = ScriptRun.run("files-xml", dir, Map.of(), evil.toString(), out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-xml: " + evil + " line 2, column 10: refused: "
                + "the file declares a DOCTYPE, which can read local files (external entities) or expand entities"
                + " without bound; data files have no use for one");
        assertThat(run.out() + run.err()).doesNotContain("TOP-SECRET-4242").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
    }

    @Test
    void malformedXmlNamesTheFileLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<customers>\n<customer id=\"1\"><name>A</name>\n</customers>\n");

        var run = ScriptRun.run("files-xml", dir, Map.of(), bad.toString(), dir.resolve("out.xml").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-xml: " + bad
                + " line 3, column 11: The end-tag for element type \"customer\" must end with a '>' delimiter.");
        assertThat(dir.resolve("out.xml")).doesNotExist();
    }

    @Test
    void aMissingInputFileIsOneClearLine() {
        Path missing = dir.resolve("nope.xml");

        var run = ScriptRun.run("files-xml", dir, Map.of(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).containsExactly("files-xml: input file " + missing + " does not exist");
    }
}
