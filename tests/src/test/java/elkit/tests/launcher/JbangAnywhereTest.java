package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lessons from any folder, as the README tells a learner: add the repository's catalog to JBang's
 * user catalog once ({@code catalog add --global}), then run {@code db-sqlite@elkit} from anywhere.
 * Also the real launcher on JDK 25 prints no native-access warning. One JBang cache for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbangAnywhereTest {

    @TempDir
    static Path home;

    static Map<String, String> env;

    @BeforeAll
    static void ownJbangCache() {
        env = new HashMap<>();
        env.put("JAVA_TOOL_OPTIONS", null);
        env.put("JBANG_DIR", home.resolve("jbang-dir").toString()); // its own user catalog and cache
        env.put("ELKIT_WORK", null); // the lesson's own default: ./work where it runs
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
    }

    static ScriptRun jbang(Path workDir, Map<String, String> extra, String... args) {
        var command = new java.util.ArrayList<String>();
        command.add(Repo.path("jbang").toString());
        command.addAll(List.of(args));
        var runEnv = new HashMap<>(env);
        runEnv.putAll(extra);
        return ScriptRun.exec(command, workDir, runEnv);
    }

    @Test
    @Order(1)
    void catalogAddGlobalRegistersTheRepositoryCatalogWithoutTouchingIt() throws IOException {
        Path catalog = Repo.path("jbang-catalog.json");
        String before = Files.readString(catalog);

        var run = jbang(Repo.root(), Map.of(), "catalog", "add", "--global", "--name", "elkit", catalog.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readString(catalog)).as("the repository's catalog is unchanged").isEqualTo(before);
        assertThat(Files.readString(home.resolve("jbang-dir/jbang-catalog.json"))).contains("\"elkit\"", catalog.toString());
    }

    @Test
    @Order(2)
    void aLessonRunsByAliasAtElkitFromAFolderOutsideTheRepository() throws IOException {
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));

        var run = jbang(elsewhere, Map.of(), "db-sqlite@elkit");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Creating work/customers.db", "Inserted customer 101, Alice Johnson", "(5 rows)");
        assertThat(elsewhere.resolve("work/customers.db")).as("outside the repository, work/ is where it runs").isRegularFile();
    }

    @Test
    @Order(3)
    void onJdk25TheRealLauncherPrintsNoNativeAccessWarning() {
        Path jdk25 = Launcher.jdk25();

        var run = jbang(home, Map.of("JAVA_HOME", jdk25.toString()), "db-sqlite@elkit", home.resolve("jdk25.db").toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Inserted customer 101, Alice Johnson");
        assertThat(run.err()).as(run.toString()).doesNotContain("WARNING");
    }
}
