package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.EnvContract;
import elkit.local.LocalServer;
import elkit.tests.support.EnvReads;
import elkit.tests.support.Repo;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contracts that hold the house together, each against the one list in code:
 * every local server is a {@link LocalServer} named by {@link EnvContract}; every env var a script
 * or helper reads is in {@link EnvContract}; the README's table says the same; sandbox can start
 * every service it offers. A new server or variable that misses the list fails here, by name.
 */
class EnvContractTest {

    @Test
    void everyLocalServerClassIsALocalServerNamedByTheContract() throws Exception {
        var named = new TreeSet<String>();
        EnvContract.systems().stream().map(EnvContract.DataSystem::server).filter(s -> s != null).forEach(named::add);
        var found = new TreeSet<String>();
        try (Stream<Path> files = Files.list(Repo.path("lib/src/main/java/elkit/local"))) {
            for (Path file : files.filter(p -> p.getFileName().toString().matches("Local\\w+\\.java")).toList()) {
                String name = file.getFileName().toString().replace(".java", "");
                if (name.equals("LocalServer")) continue;
                Class<?> type = Class.forName("elkit.local." + name);
                assertThat(LocalServer.class).as(name + " implements LocalServer").isAssignableFrom(type);
                var start = type.getMethod("start");
                assertThat(Modifier.isStatic(start.getModifiers()) && start.getReturnType() == type)
                        .as(name + " has public static " + name + " start()").isTrue();
                found.add(type.getName());
            }
        }
        assertThat(found).as("elkit/local/Local*.java against EnvContract's servers").isEqualTo(named);
    }

    @Test
    void everyVariableAScriptOrHelperReadsIsInTheContract() throws IOException {
        var read = new TreeSet<String>();
        for (Path file : javaFiles("scripts", "lib/src/main/java", "chapters")) {
            var m = EnvReads.READ.matcher(Files.readString(file));
            while (m.find()) read.add(m.group(1) + "  (" + Repo.root().relativize(file) + ")");
        }
        var missing = read.stream().filter(r -> !EnvContract.names().contains(r.substring(0, r.indexOf(' ')))).toList();
        assertThat(read).as("the scan finds the variables at all").isNotEmpty();
        assertThat(missing).as("variables read but missing from elkit/EnvContract.java").isEmpty();
    }

    @Test
    void eachServerPutsOnlyItsSystemsVariablesInItsEnv() throws IOException {
        for (var system : EnvContract.systems()) {
            if (system.server() == null) continue;
            Path file = Repo.path("lib/src/main/java/" + system.server().replace('.', '/') + ".java");
            var m = Pattern.compile("env\\.put\\(\"([A-Z][A-Z0-9_]*)\"|Map\\.of\\(\"([A-Z][A-Z0-9_]*)\"").matcher(Files.readString(file));
            var put = new TreeSet<String>();
            while (m.find()) put.add(m.group(1) != null ? m.group(1) : m.group(2));
            assertThat(put).as(file.getFileName() + " env()").isNotEmpty();
            assertThat(system.names()).as(system.name() + " variables, against " + file.getFileName() + " env()").containsAll(put);
        }
    }

    @Test
    void theReadmeTableListsTheContractAndNothingElse() {
        String readme = Repo.read("README.md");
        String section = readme.substring(readme.indexOf("## Env-var contract"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        var inReadme = new TreeSet<String>();
        var m = Pattern.compile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)").matcher(section);
        while (m.find()) inReadme.add(m.group(1));
        inReadme.removeIf(name -> name.endsWith("_")); // `*_USER`, `*_PASSWORD` stand for the three databases
        var documented = new TreeSet<String>();
        EnvContract.systems().stream().filter(s -> !s.name().equals(EnvContract.PLATFORM))
                .filter(s -> !s.name().equals(EnvContract.ELKIT))
                .forEach(s -> s.names().stream().filter(n -> !n.matches("(PG|MYSQL|MSSQL)_(USER|PASSWORD)")).forEach(documented::add));
        documented.addAll(List.of("ELKIT_WORK", "ELKIT_DOCKER"));
        assertThat(inReadme).as("README.md's env-var table against EnvContract").isEqualTo(documented);
    }

    @Test
    void sandboxHasASourcesLineForTheServerOfEachService() throws IOException {
        String sandbox = Files.readString(sandboxScript());
        var missing = new ArrayList<String>();
        EnvContract.services().forEach((service, system) -> {
            String line = "elkit/local/" + system.server().substring("elkit.local.".length()) + ".java";
            if (!sandbox.contains("//SOURCES ") || !sandbox.contains(line)) missing.add(service + " -> " + line);
        });
        assertThat(missing).as("//SOURCES lines missing from sandbox.java").isEmpty();
        assertThat(EnvContract.services().keySet()).containsExactly("postgres", "mysql", "s3", "azure", "api", "shop", "sftp", "ftp", "kafka", "connect");
    }

    @Test
    void tourAndDoctorHaveNoListOfTheirOwn() throws IOException {
        for (String tool : List.of("tour", "doctor")) {
            String code = Files.readString(toolScript(tool));
            var quoted = new TreeSet<String>();
            var m = Pattern.compile("\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"").matcher(code);
            while (m.find()) quoted.add(m.group(1));
            quoted.retainAll(EnvContract.targetVariables());
            assertThat(quoted).as(tool + " names contract variables itself instead of reading EnvContract").isEmpty();
            assertThat(code).as(tool).contains("EnvContract.");
        }
    }

    @Test
    void secretsAreTheOnesCliMasks() {
        for (var system : EnvContract.systems()) {
            for (var v : system.variables()) {
                if (v.secret()) assertThat(v.name()).as("a secret Cli masks in error lines").matches(".*(PASSWORD|SECRET|TOKEN|_KEY|CONNECTION_STRING).*");
            }
        }
        assertThat(EnvContract.variable("PG_PASSWORD").orElseThrow().secret()).isTrue();
        assertThat(EnvContract.variable("PG_URL").orElseThrow().secret()).isFalse();
    }

    static Path sandboxScript() {
        return toolScript("sandbox");
    }

    /** A tool's script, at the top of scripts/ or in scripts/tools/. */
    static Path toolScript(String name) {
        Path tools = Repo.path("scripts/tools/" + name + ".java");
        return Files.exists(tools) ? tools : Repo.path("scripts/" + name + ".java");
    }

    static List<Path> javaFiles(String... folders) throws IOException {
        var files = new ArrayList<Path>();
        for (String folder : folders) {
            try (Stream<Path> all = Files.walk(Repo.path(folder))) {
                all.filter(p -> p.toString().endsWith(".java")).filter(p -> !p.toString().contains("/target/")).forEach(files::add);
            }
        }
        return files;
    }

}
