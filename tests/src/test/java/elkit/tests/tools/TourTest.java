package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./jbang tour: real lessons through the launcher (a chosen few: the whole tour runs every lesson and
 * costs minutes), and a made-up catalog for the failing and "needs setup" rows.
 */
class TourTest {

    @TempDir
    static Path temp;

    static Map<String, String> env;

    @BeforeAll
    static void environment() {
        env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        env.put("JBANG_DIR", temp.resolve("jbang-dir").toString());
        env.put("ELKIT_REPO", Repo.root().toString());
        env.put("API_BASE_URL", "http://127.0.0.1:9/unreachable"); // tour must unset the contract: the lesson takes its local default
    }

    @Test
    void theNamedLessonsRunAgainstTheirLocalDefaultsOneRowEach() {
        var run = ScriptRun.run("tour", temp, env, "db-sqlite", "api-requests");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("(?m)^lesson\\s+target\\s+seconds\\s+ok$")
                .containsPattern("(?m)^db-sqlite\\s+embedded / local files\\s+\\d+\\.\\d  yes$")
                .containsPattern("(?m)^api-requests\\s+http://127\\.0\\.0\\.1:\\d+\\S*\\s+\\d+\\.\\d  yes$")
                .contains("2 lesson(s): 2 ok, 0 failed, 0 skipped");
    }

    @Test
    void aFailingLessonFailsTheTourAndOneNeedingSetupIsSkippedWithItsReason() throws IOException {
        Path lab = Files.createDirectories(temp.resolve("lab"));
        Files.copy(Repo.path("jbang"), lab.resolve("jbang"));
        lab.resolve("jbang").toFile().setExecutable(true);
        Files.createDirectories(lab.resolve("scripts"));
        lesson(lab, "db-fine", "System.out.println(\"Connected to jdbc:fake://127.0.0.1:5/db\");");
        lesson(lab, "db-broken", "System.err.println(\"db-broken: the table customers does not exist\"); System.exit(1);");
        lesson(lab, "db-needs", "System.err.println(\"db-needs: needs DB_URL (no local server can run here)\"); System.exit(2);");
        lesson(lab, "bench-x", "System.exit(1);"); // a benchmark, not a lesson: not toured
        Files.writeString(lab.resolve("jbang-catalog.json"), """
                {"aliases": {
                  "db-fine": {"script-ref": "scripts/db-fine.java", "description": "1. Database drivers: works"},
                  "db-broken": {"script-ref": "scripts/db-broken.java", "description": "1. Database drivers: fails"},
                  "db-needs": {"script-ref": "scripts/db-needs.java", "description": "Bonus: needs setup"},
                  "bench-x": {"script-ref": "scripts/bench-x.java", "description": "Benchmark: not a lesson"}
                }}
                """);
        var labEnv = new HashMap<>(env);
        labEnv.put("ELKIT_REPO", lab.toString());

        var run = ScriptRun.run("tour", temp, labEnv, "--timeout", "120");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^db-fine\\s+jdbc:fake://127\\.0\\.0\\.1:5/db\\s+\\d+\\.\\d  yes$")
                .containsPattern("(?m)^db-broken\\s+embedded / local files\\s+\\d+\\.\\d  FAIL   db-broken: the table customers does not exist$")
                .containsPattern("(?m)^db-needs\\s+-\\s+\\d+\\.\\d  skip   db-needs: needs DB_URL \\(no local server can run here\\)$")
                .doesNotContain("bench-x")
                .contains("3 lesson(s): 1 ok, 1 failed, 1 skipped");
        assertThat(run.err()).isEqualTo("tour: 1 of 3 lessons failed: run each with ./jbang <lesson> to see why\n");
    }

    @Test
    void aNameThatIsNotALessonIsOneLine() {
        var run = ScriptRun.run("tour", temp, env, "bench-load");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("tour: bench-load is not a lesson of jbang-catalog.json (lessons: db-sqlite, ");
    }

    static void lesson(Path lab, String name, String body) throws IOException {
        Files.writeString(lab.resolve("scripts").resolve(name + ".java"), """
                ///usr/bin/env jbang "$0" "$@" ; exit $?
                class %s { public static void main(String[] args) { %s } }
                """.formatted(name.replace('-', '_'), body));
    }
}
