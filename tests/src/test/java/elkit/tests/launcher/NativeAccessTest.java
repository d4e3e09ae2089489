package elkit.tests.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * From JDK 24 on, a library that loads native code (sqlite-jdbc, DuckDB) makes the JVM print four
 * "WARNING: A restricted method in java.lang.System has been called" lines unless native access is
 * enabled. The lessons enable it with {@code //RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED},
 * which JDK 17 accepts too. Checked on both JDKs, and once through the real ./jbang on JDK 25.
 */
class NativeAccessTest {

    static final String OPTION = "//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED";
    /** Artifacts that load a native library into the JVM. */
    static final List<String> NATIVE = List.of("org.xerial:sqlite-jdbc:", "org.duckdb:duckdb_jdbc:");

    @TempDir
    Path dir;

    @Test
    void everyScriptWithANativeLibraryEnablesNativeAccess() throws IOException {
        var files = new ArrayList<>(Repo.scripts());
        try (Stream<Path> exercises = Files.walk(Repo.path("chapters/05-extract-load/exercises"))) {
            exercises.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
        var missing = new ArrayList<String>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            boolean loadsNative = lines.stream().anyMatch(l -> l.startsWith("//DEPS ") && NATIVE.stream().anyMatch(l::contains));
            if (loadsNative && !lines.contains(OPTION)) {
                missing.add(Repo.root().relativize(file).toString());
            }
        }
        assertThat(missing).as("scripts that load a native library but lack " + OPTION).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"db-sqlite", "files-parquet"}) // sqlite-jdbc; DuckDB (db-duckdb loads it the same way)
    void noNativeAccessWarningOnJdk17Or25(String script) {
        Path jdk17 = Path.of(System.getProperty("java.home"));
        Path jdk25 = Launcher.jdk25();
        for (Path jdk : List.of(jdk17, jdk25)) {
            Path work = dir.resolve(jdk.getFileName().toString());
            var run = ScriptRun.runOn(jdk, script, Repo.root(), Map.of("ELKIT_WORK", work.toString()));

            assertThat(run.exitCode()).as(jdk + "\n" + run).isZero();
            assertThat(run.err()).as(jdk + "\n" + run).doesNotContain("WARNING").isEmpty();
        }
    }

    @Test
    void withoutTheOptionJdk25WouldWarn() {
        // the check above can fail: the same run without the script's option prints the warning
        Path java = Launcher.jdk25().resolve("bin/java");
        var run = ScriptRun.exec(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), "db_sqlite",
                dir.resolve("plain.db").toString()), dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("WARNING: A restricted method in java.lang.System has been called");
    }
}
