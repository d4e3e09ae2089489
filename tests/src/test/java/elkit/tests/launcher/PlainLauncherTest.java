package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain launcher's own answers (./jbang, the part a pack ships) and the warm-start part's answer to a
 * mistyped name: issue 19's launcher items, each on its own.
 */
class PlainLauncherTest {

    @TempDir
    static Path home;

    static Map<String, String> env(Map<String, String> extra) {
        var env = new HashMap<String, String>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        env.putAll(extra);
        return env;
    }

    @Test
    void aMistypedLessonNameNamesTheClosestAndListsTheLessonsWithExitTwo() {
        var run = ScriptRun.exec(List.of(Repo.path("jbang").toString(), "db-sqlit"), Repo.root(), env(Map.of()));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        var lines = run.err().lines().toList();
        assertThat(lines.get(0)).isEqualTo("jbang: db-sqlit is not a lesson or alias of jbang-catalog.json; the closest is db-sqlite");
        assertThat(lines.get(1)).startsWith("  lessons: db-sqlite, files-csv").contains("transfer-ftp").doesNotContain("bench-", "classroom");
        assertThat(lines.get(2)).startsWith("  tools and benchmarks: ").contains("bench-files", "classroom", "to-jshell");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aWalkthroughRunLeavesNoJBangFileInTmpAndNoIncubatorWarning() throws IOException {
        Path jsh = home.resolve("tiny-walkthrough.jsh");
        Files.writeString(jsh, "System.out.println(\"walkthrough ran\");\n/exit\n");

        var run = ScriptRun.exec(List.of(Repo.path("jbang").toString(), jsh.toString()), home, env(Map.of()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("walkthrough ran");
        assertThat(run.err()).doesNotContain("incubator");
        try (Stream<Path> left = Files.list(Path.of("/tmp"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jbang_") && n.endsWith(jsh.getFileName().toString())))
                    .as("JBang's temp files of this run").isEmpty();
        }
    }

    /** An mvn that takes 3 s and "fetches" a classpath that is no JBang: what happens next does not matter here. */
    static Path slowMvn() throws IOException {
        Path bin = Files.createDirectories(home.resolve("slow-mvn-bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, """
                #!/bin/sh
                for a in "$@"; do case "$a" in -Dmdep.outputFile=*) out="${a#-Dmdep.outputFile=}";; esac; done
                sleep 3
                printf '%s' /bin/sh > "$out"
                """);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void theFirstFetchShowsItIsMovingOnATerminal() throws IOException {
        Path bin = slowMvn();
        var extra = Map.of("PATH", bin + ":" + Launcher.withoutJbang(System.getenv("PATH")), "ELKIT_JBANG_CACHE", home.resolve("tty-cache").toString());
        // script(1) gives the launcher a terminal; its transcript is the terminal's output
        var run = ScriptRun.exec(List.of("script", "-qec", Repo.path("jbang") + " --version", "/dev/null"), home, env(extra));

        assertThat(run.out()).contains("[elkit] First run: fetching JBang").containsPattern("\\.\\.+ \\d+ s");
    }

    @Test
    void theFirstFetchPrintsNoDotsWhenNotOnATerminal() throws IOException {
        Path bin = slowMvn();
        var extra = Map.of("PATH", bin + ":" + Launcher.withoutJbang(System.getenv("PATH")), "ELKIT_JBANG_CACHE", home.resolve("pipe-cache").toString());

        var run = ScriptRun.exec(List.of(Repo.path("jbang").toString(), "--version"), home, env(extra));

        assertThat(run.err()).contains("[elkit] First run: fetching JBang").doesNotContainPattern("\\.\\.+ \\d+ s");
    }
}
