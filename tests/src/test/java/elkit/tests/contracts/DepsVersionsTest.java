package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The parent pom is the one place where versions live: every //DEPS line must agree with it. */
class DepsVersionsTest {

    static final Pattern DEPS = Pattern.compile("^//DEPS\\s+(.+)$", Pattern.MULTILINE);

    /** groupId:artifactId -> version, from the parent pom's dependencyManagement, properties resolved. */
    static Map<String, String> managedVersions() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var pom = factory.newDocumentBuilder().parse(Repo.path("pom.xml").toFile()).getDocumentElement();
        var properties = new HashMap<String, String>();
        var props = (Element) pom.getElementsByTagName("properties").item(0);
        for (var node = props.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e) properties.put(e.getTagName(), e.getTextContent().trim());
        }
        var managed = new HashMap<String, String>();
        var management = (Element) pom.getElementsByTagName("dependencyManagement").item(0);
        var deps = management.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            var dep = (Element) deps.item(i);
            String ga = text(dep, "groupId") + ":" + text(dep, "artifactId");
            String version = resolve(text(dep, "version"), properties);
            managed.put(ga, version);
            // an imported BOM (Testcontainers) manages every artifact of its group at its own version
            var scope = dep.getElementsByTagName("scope");
            if (scope.getLength() > 0 && scope.item(0).getTextContent().trim().equals("import")) {
                managed.put("bom:" + text(dep, "groupId"), version);
            }
        }
        properties.forEach((k, v) -> managed.putIfAbsent("property:" + k, v));
        return managed;
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    private static String resolve(String value, Map<String, String> properties) {
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(properties.getOrDefault(r.group(1), r.group())));
    }

    static List<Path> filesWithDeps() throws IOException {
        var files = new ArrayList<>(Repo.scripts());
        files.addAll(Repo.connectPlugins());
        try (Stream<Path> exercises = Files.walk(Repo.path("chapters/05-extract-load/exercises"))) {
            exercises.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        try (Stream<Path> lib = Files.walk(Repo.path("lib/src/main/java"))) {
            lib.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        return files;
    }

    @Test
    void everyDepsLineNamesTheVersionOfTheParentPom() throws Exception {
        var managed = managedVersions();
        var problems = new ArrayList<String>();
        int checked = 0;
        for (Path file : filesWithDeps()) {
            Matcher m = DEPS.matcher(Files.readString(file));
            while (m.find()) {
                for (String coordinate : m.group(1).trim().split("\\s+")) {
                    String[] parts = coordinate.replaceFirst("@.*$", "").split(":");
                    String where = Repo.root().relativize(file) + ": " + coordinate;
                    if (parts.length < 3) {
                        problems.add(where + " has no pinned version");
                        continue;
                    }
                    String ga = parts[0] + ":" + parts[1];
                    String version = parts[parts.length - 1];
                    String expected = managed.getOrDefault(ga, managed.get("bom:" + parts[0]));
                    if (expected == null) problems.add(where + " is not in the parent pom's dependencyManagement");
                    else if (!expected.equals(version)) problems.add(where + " but the parent pom says " + expected);
                    checked++;
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isPositive();
    }

    @Test
    void theLauncherFetchesTheJBangOfTheParentPom() throws Exception {
        var managed = managedVersions();
        String launcher = Repo.read("jbang");
        assertThat(launcher).contains("JBANG_VERSION=" + managed.get("property:jbang-cli.version") + "\n");
        assertThat(launcher).contains("GSON_VERSION=" + managed.get("property:gson.version") + "\n");
    }
}
