package elkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabTest {

    @Test
    void aScriptAtTheTopOfScriptsIsALesson() {
        assertThat(new Lab.Alias("db-sqlite", "scripts/db-sqlite.java", "1. Database drivers: SQLite").isLesson()).isTrue();
    }

    @Test
    void aLessonStaysOneWhateverItsDescriptionSays() {
        assertThat(new Lab.Alias("scrape-html", "scripts/scrape-html.java", "HTML scraping, reworded").isLesson()).isTrue();
        assertThat(new Lab.Alias("db-sqlite", "scripts/db-sqlite.java", "").isLesson()).isTrue();
    }

    @Test
    void aBenchmarkIsNotALessonEvenWithASectionNumber() {
        assertThat(new Lab.Alias("bench-load", "scripts/bench-load.java", "1. Database drivers: rows").isLesson()).isFalse();
    }

    @Test
    void aToolInScriptsToolsIsNotALessonEvenWithASectionNumber() {
        assertThat(new Lab.Alias("sandbox", "scripts/tools/sandbox.java", "1. Database drivers: a server").isLesson()).isFalse();
    }

    @Test
    void aScriptOutsideScriptsIsNotALesson() {
        assertThat(new Lab.Alias("ex01", "chapters/05-extract-load/exercises/ex01.java", "1. Database drivers").isLesson()).isFalse();
    }

    @Test
    void theCatalogIsReadInItsOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("jbang-catalog.json"), """
                {"aliases": {"b-two": {"script-ref": "scripts/b-two.java", "description": "2. Two"},
                             "a-one": {"script-ref": "scripts/a-one.java", "description": "tool"}}}
                """);

        var aliases = Lab.aliases(dir);

        assertThat(aliases.keySet()).containsExactly("b-two", "a-one");
        assertThat(aliases.get("b-two").scriptRef()).isEqualTo("scripts/b-two.java");
    }

    @Test
    void aCommandGivesItsExitCodeAndBothStreamsAndAnUnsetVariableIsGone(@TempDir Path dir) throws Exception {
        var env = new HashMap<String, String>();
        env.put("LAB_TEST_SET", "here");
        env.put("HOME", null);

        var outcome = Lab.exec(List.of("sh", "-c", "echo out $LAB_TEST_SET; echo \"home=${HOME:-unset}\" >&2; exit 3"), dir, env, Duration.ofSeconds(30));

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output()).contains("out here", "home=unset");
        assertThat(outcome.lastLine()).isEqualTo("home=unset");
    }

    @Test
    void aCommandPastItsTimeLimitIsStopped(@TempDir Path dir) throws Exception {
        var outcome = Lab.exec(List.of("sh", "-c", "echo started; exec sleep 60"), dir, Map.of(), Duration.ofSeconds(2));

        assertThat(outcome.timedOut()).isTrue();
        assertThat(outcome.output()).contains("started");
        assertThat(outcome.took()).isLessThan(Duration.ofSeconds(30));
    }
}
