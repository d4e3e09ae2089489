package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing left behind (issue 13, item 8): no folders in the temp folder after a run, and one work/
 * folder whichever folder of the repository a lesson runs from. (db-mysql's MariaDB temp folders:
 * DbMysqlTest.withNoEnvItStartsItsOwnMariaDbAndStopsIt, which starts that server anyway.) Each run gets its own java.io.tmpdir,
 * so anything left there is the run's.
 */
class NothingLeftBehindTest {

    @TempDir
    Path dir;

    /** Name, value pairs; a null value unsets the variable. */
    static Map<String, String> env(String... pairs) {
        var env = new java.util.HashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    static List<String> leftIn(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aKafkaStartThatFailsRemovesTheDataFolderItMade() throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        // a failed start forced the way users met it: a class path with part of Kafka missing (as with mixed
        // versions), so the start fails with a NoClassDefFoundError after it made its data folder
        String classPath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("kafka-raft-"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path")); // the jar was there to remove
        Path main = Files.writeString(dir.resolve("StartKafka.java"), """
                class StartKafka {
                    public static void main(String[] args) {
                        try {
                            elkit.local.LocalKafka.start().close();
                            System.out.println("started");
                        } catch (Throwable e) {
                            System.out.println("failed: " + e.getClass().getName());
                        }
                        System.exit(0);
                    }
                }
                """);

        var run = ScriptRun.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Dslf4j.provider=org.slf4j.nop.NOPServiceProvider", "-cp", classPath, main.toString()),
                dir, Map.of());

        assertThat(run.out()).as(run.toString()).startsWith("failed: ").doesNotContain("started");
        assertThat(leftIn(tmp)).as("left in the temp folder by a failed Kafka start").noneMatch(name -> name.startsWith("elkit-kafka-"));
    }

    @Test
    void theEx03GraderLeavesNoTempFolder() throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path solution = Repo.path("chapters/05-extract-load/exercises/solutions/ex03-csv-to-json.java");
        // the JDK's source launcher, with the test classpath for Jackson and commons-csv
        var run = ScriptRun.exec(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), solution.toString()), dir, Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Score: 3/3");
        assertThat(leftIn(tmp)).as("left in java.io.tmpdir").isEmpty();
    }

    @Test
    void aLessonRunFromScriptsWritesToTheRepositoryWorkFolder() throws IOException {
        // a copy of the layout that matters: the catalog marks the root; scripts/ and notebooks/ below it
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(root.resolve("jbang-catalog.json"), "{}");
        for (String below : List.of("scripts", "notebooks")) {
            Path cwd = Files.createDirectories(root.resolve(below));
            Path input = Files.writeString(dir.resolve("in.json"), "[1, 2]");

            var run = ScriptRun.run("files-json", cwd, env("ELKIT_WORK", null), input.toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Writing JSON: ../work/output.json");
            assertThat(root.resolve("work/output.json")).isRegularFile();
            assertThat(cwd.resolve("work")).as("no second work/ under " + below).doesNotExist();
        }
    }

    @Test
    void outsideARepositoryTheWorkFolderIsTheCurrentOne() throws IOException {
        Path input = Files.writeString(dir.resolve("in.json"), "[1, 2]");

        var run = ScriptRun.run("files-json", dir, env("ELKIT_WORK", null), input.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(dir.resolve("work/output.json")).isRegularFile();
    }
}
