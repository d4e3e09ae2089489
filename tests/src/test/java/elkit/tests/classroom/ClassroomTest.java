package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Chapter;
import elkit.tests.support.Folders;
import elkit.tests.support.Launcher;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import elkit.tests.support.StudentMethods;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classroom workflow: a handout that runs outside the repository and holds no solution, and a
 * grade run over a class where every way of cheating or failing ends in the right gradebook row.
 * The "does nothing" and "always throws" students prove every grader check of every exercise fair.
 */
class ClassroomTest {

    static final Path EXERCISES = Repo.path("chapters/05-extract-load/exercises");
    static final String USAGE = "usage: classroom handout OUT_DIR | classroom grade SUBMISSIONS_DIR [--timeout SECONDS] [--jobs N] [--no-sandbox]";

    @TempDir
    static Path temp;

    static Map<String, String> env;
    static Path pack;
    static Path submissions;
    static Path troubled;
    static ScriptRun gradeRun;
    static ScriptRun troubledRun;
    static Map<String, String[]> gradebook = new LinkedHashMap<>();
    static Map<String, Path> studentFolder = new HashMap<>();

    static String name(Path exercise) {
        return exercise.getFileName().toString().replaceFirst("\\.java$", "");
    }

    /** The number of checks of an exercise's grader, as classroom learns it: from its code (the tests' classpath has its libraries). */
    static int checks(Path exercise) throws IOException {
        var helpers = new ArrayList<Path>();
        for (String line : Files.readAllLines(exercise)) {
            if (line.startsWith("//SOURCES ")) helpers.add(exercise.getParent().resolve(line.substring(10).strip()).normalize());
        }
        return elkit.classroom.Checks.count(exercise, helpers, System.getProperty("java.class.path"));
    }

    @BeforeAll
    static void handOutAndGradeAClass() throws IOException {
        env = new HashMap<>();
        env.put("JBANG_DIR", temp.resolve("jbang-dir").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", Launcher.withoutJbang(System.getenv("PATH")));
        env.put("ELKIT_REPO", Repo.root().toString());

        pack = temp.resolve("pack");
        var handout = ScriptRun.run("classroom", temp, env, "handout", pack.toString());
        assertThat(handout.exitCode()).as(handout.toString()).isZero();

        // a class that hands everything in, graded with a time limit no honest run comes near
        submissions = Files.createDirectories(temp.resolve("submissions"));
        for (Path exercise : Chapter.exercises()) {
            String file = exercise.getFileName().toString();
            String starter = Files.readString(pack.resolve(file)); // what students got
            write(submissions, "solutions", file, Files.readString(EXERCISES.resolve("solutions").resolve(file)));
            write(submissions, "starters", file, starter);
            write(submissions, "does-nothing", file, StudentMethods.rewrite(starter, StudentMethods::doesNothing));
            write(submissions, "always-throws", file, StudentMethods.rewrite(starter, StudentMethods::alwaysThrows));
        }
        // and a class that hands in exercise 1 only, graded with a short time limit: the endless loop costs it once
        troubled = Files.createDirectories(temp.resolve("troubled"));
        String ex01 = Files.readString(pack.resolve("ex01-sqlite-load.java"));
        write(troubled, "honest", "ex01-sqlite-load.java", Files.readString(EXERCISES.resolve("solutions/ex01-sqlite-load.java")));
        write(troubled, "exits-first", "ex01-sqlite-load.java", StudentMethods.rewrite(ex01, m ->
                "System.out.println(\"PASS  loads every customer, quotes and all\");"
                        + " System.out.println(\"Score: 3/3\"); System.exit(0);"));
        String top = ex01.substring(0, ex01.indexOf(StudentMethods.GRADING));
        write(troubled, "edited-grading", "ex01-sqlite-load.java", top + StudentMethods.GRADING + """

                    public static void main(String[] args) {
                        System.out.println("PASS  loads every customer, quotes and all");
                        System.out.println("PASS  a second load does not duplicate");
                        System.out.println("PASS  a load that fails midway leaves none of its rows");
                        System.out.println("Score: 3/3");
                    }
                }
                """);
        write(troubled, "overloads-check", "ex01-sqlite-load.java", ex01.replace(StudentMethods.GRADING, """
                static int check(ArrayList<String> report, String title, Check check) { // more specific: it would capture the grader's calls
                        report.add("PASS  " + title);
                        return 1;
                    }

                    """ + StudentMethods.GRADING));
        write(troubled, "endless-loop", "ex01-sqlite-load.java", StudentMethods.rewrite(ex01, m -> "while (!customers.isEmpty()) { }"));
        write(troubled, "does-not-compile", "ex01-sqlite-load.java", StudentMethods.rewrite(ex01, m -> "int count = \"three\";"));

        // a class of 24 files, four of them with a Kafka broker: more than ScriptRun's usual 3 minutes on a busy machine
        gradeRun = ScriptRun.run(java.time.Duration.ofMinutes(20), "classroom", temp, env, "grade", submissions.toString(), "--timeout", "300", "--jobs", "2");
        troubledRun = ScriptRun.run(java.time.Duration.ofMinutes(10), "classroom", temp, env, "grade", troubled.toString(), "--timeout", "20", "--jobs", "2");
        for (Path folder : List.of(submissions, troubled)) {
            Path csv = folder.resolve("gradebook.csv");
            if (!Files.exists(csv)) continue;
            var lines = Files.readAllLines(csv);
            for (String row : lines.subList(1, lines.size())) {
                String[] cells = row.split(",");
                gradebook.put(cells[0] + "/" + cells[1], cells);
                studentFolder.put(cells[0], folder.resolve(cells[0]));
            }
        }
    }

    static void write(Path folder, String student, String file, String text) throws IOException {
        Files.writeString(Files.createDirectories(folder.resolve(student)).resolve(file), text);
    }

    /** score,max,status of a gradebook row. */
    static String row(String student, Path exercise) {
        String[] cells = gradebook.get(student + "/" + name(exercise));
        assertThat(cells).as("gradebook row " + student + "/" + name(exercise) + "\n" + gradeRun + "\n" + troubledRun).isNotNull();
        return cells[2] + "," + cells[3] + "," + cells[4];
    }

    static String feedback(String student) throws IOException {
        return Files.readString(studentFolder.get(student).resolve("feedback.txt"));
    }

    // ---- handout ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#exercises")
    void eachExerciseOfAHandoutCopiedOutsideTheRepositoryRunsByFile(Path exercise) throws IOException {
        Path copy = temp.resolve("elsewhere-" + name(exercise));
        Folders.copyTree(pack, copy);
        assertThat(copy.toAbsolutePath().startsWith(Repo.root())).as("a copy outside the repository").isFalse();

        var student = new HashMap<>(env);
        student.put("ELKIT_REPO", null); // nothing points back at the checkout
        var run = ScriptRun.exec(List.of("./jbang", exercise.getFileName().toString()), copy, student);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("(?m)^FAIL  .*: \\w+\\(\\) is not written yet$")
                .contains("Score: 0/" + checks(exercise));
        // its hints: every check fails with its reason, "FAIL  <check>: <what was expected, what came>"
        assertThat(run.out().lines().filter(l -> l.matches("FAIL  \\S.*: \\S.*"))).as(run.toString()).hasSize(checks(exercise));
        assertThat(run.err()).doesNotContain("Failed to get contents", "\tat ");
    }

    @Test
    void theHandoutHoldsEveryExerciseItsHelpersTheLauncherAndAReadmeWithNoPathIntoTheRepository() throws IOException {
        for (Path exercise : Chapter.exercises()) {
            String inPack = Files.readString(pack.resolve(exercise.getFileName()));
            assertThat(inPack).contains(StudentMethods.GRADING).doesNotContain("../");
            for (String line : inPack.lines().filter(l -> l.startsWith("//SOURCES ")).toList()) {
                assertThat(pack.resolve(line.substring(10).trim())).as(line).isRegularFile();
            }
        }
        assertThat(pack.resolve("jbang")).isExecutable();
        assertThat(pack.resolve("README.md")).content().contains("./jbang ex01-sqlite-load.java", StudentMethods.GRADING);
        assertThat(pack.resolve("solutions")).doesNotExist();
    }

    @Test
    void thePackFolderHasTheUsualPermissionsNotATempFoldersPrivateOnes() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pack))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void thePackShipsThePlainLauncherAloneWithoutTheRepositorysLauncherParts() throws IOException {
        assertThat(pack.resolve("jbang")).hasSameTextualContentAs(Repo.path("jbang"));
        assertThat(pack.resolve("scripts")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#exercises")
    void theChapterPageAnExerciseCitesIsInThePackWhereItsTextPointsTo(Path exercise) throws IOException {
        var cited = java.util.regex.Pattern.compile("\\bpage (\\d\\d-[a-z0-9-]+\\.md)").matcher(Files.readString(exercise)).results()
                .map(m -> m.group(1)).distinct().toList();
        assertThat(cited).as("the pages " + exercise.getFileName() + " cites").isNotEmpty();
        String inPack = Files.readString(pack.resolve(exercise.getFileName()));
        for (String page : cited) {
            assertThat(inPack).contains("page chapter/" + page).doesNotContain("page " + page);
            assertThat(pack.resolve("chapter").resolve(page)).hasSameTextualContentAs(Repo.path("chapters/05-extract-load").resolve(page));
        }
    }

    @Test
    void helpPrintsTheUsageTheArgumentsAndTheEnvironmentAndExitsZero() {
        for (String option : List.of("--help", "-h")) {
            var run = ScriptRun.run("classroom", temp, env, option);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("classroom handout OUT_DIR", "classroom grade SUBMISSIONS_DIR", "--timeout", "ELKIT_REPO");
        }
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo() {
        var run = ScriptRun.run("classroom", temp, env, "grade", temp.toString(), "--fast");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("classroom: unknown option --fast; usage: classroom handout OUT_DIR | classroom grade SUBMISSIONS_DIR"
                + " [--timeout SECONDS] [--jobs N] [--no-sandbox] [--verbose] (--help says more)\n");
    }

    @Test
    void noLineUniqueToASolutionAppearsInTheHandout() throws IOException {
        // lines that are not the solutions' own: the starters', and the helper library's the pack ships
        var starterLines = new HashSet<String>();
        for (Path exercise : Chapter.exercises()) Files.readAllLines(exercise).forEach(l -> starterLines.add(l.strip()));
        try (Stream<Path> pages = Files.list(Repo.path("chapters/05-extract-load"))) { // the chapter pages the pack ships
            for (Path page : pages.filter(f -> f.toString().endsWith(".md")).toList()) {
                Files.readAllLines(page).forEach(l -> starterLines.add(l.strip()));
            }
        }
        try (Stream<Path> lib = Files.walk(Repo.path("lib/src/main/java"))) {
            for (Path file : lib.filter(f -> f.toString().endsWith(".java")).toList()) {
                Files.readAllLines(file).forEach(l -> starterLines.add(l.strip()));
            }
        }
        var solutionOnly = new HashSet<String>();
        for (Path exercise : Chapter.exercises()) {
            for (String line : Files.readAllLines(EXERCISES.resolve("solutions").resolve(exercise.getFileName()))) {
                if (!line.isBlank() && !starterLines.contains(line.strip())) solutionOnly.add(line.strip());
            }
        }
        assertThat(solutionOnly).as("the test needs solution lines to look for").hasSizeGreaterThan(10);

        var leaked = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(pack)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (solutionOnly.contains(line.strip())) leaked.add(pack.relativize(file) + ": " + line.strip());
                }
            }
        }
        assertThat(leaked).isEmpty();
    }

    // ---- grade ----

    @Test
    void gradingRanWroteTheGradebookWithTheContractColumnsAndASummary() throws IOException {
        assertThat(gradeRun.exitCode()).as(gradeRun.toString()).isZero();
        assertThat(troubledRun.exitCode()).as(troubledRun.toString()).isZero(); // whatever the scores
        assertThat(Files.readAllLines(submissions.resolve("gradebook.csv")).get(0)).isEqualTo("student,exercise,score,max,status");
        assertThat(Files.readAllLines(troubled.resolve("gradebook.csv")).get(0)).isEqualTo("student,exercise,score,max,status");
        assertThat(gradebook).hasSize(10 * Chapter.exercises().size());
        assertThat(gradeRun.out()).containsPattern("(?m)^student\\s+ex01-sqlite-load\\s+ex02-api-pages\\s+.*\\s+ex05-sftp-inbox\\s+.*total$")
                .containsPattern("(?m)^solutions\\s+3/3\\s+5/5\\s");
    }

    @Test
    void theSolutionsScoreFullMarksAndTheUntouchedStartersScoreNothing() throws IOException {
        for (Path exercise : Chapter.exercises()) {
            int max = checks(exercise);
            assertThat(row("solutions", exercise)).isEqualTo(max + "," + max + ",graded");
            assertThat(row("starters", exercise)).isEqualTo("0," + max + ",graded");
        }
        assertThat(feedback("solutions")).doesNotContain("FAIL").contains("PASS  loads every customer, quotes and all")
                .doesNotContain("REFUSED"); // the exercises' own servers, inside each run's sandbox, are not refusals
        assertThat(feedback("starters")).contains("FAIL  loads every customer, quotes and all: load() is not written yet");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#exercises")
    void everyCheckFailsForAMethodThatDoesNothingAndForOneThatAlwaysThrows(Path exercise) throws IOException {
        int max = checks(exercise);
        assertThat(max).isPositive();
        for (String student : List.of("does-nothing", "always-throws")) {
            assertThat(row(student, exercise)).as(student + "\n" + feedback(student)).isEqualTo("0," + max + ",graded");
            String section = section(feedback(student), name(exercise));
            assertThat(section.lines().filter(l -> l.startsWith("FAIL  ")).count()).as(section).isEqualTo(max);
            assertThat(section).doesNotContain("PASS", "not written yet", "the grader did not finish");
        }
        // the hints of the always-throws student point at the exception, not at files left in a folder
        assertThat(section(feedback("always-throws"), name(exercise))).doesNotContain("files left in the folder");
    }

    static String section(String feedback, String exercise) {
        int from = feedback.indexOf("== " + exercise + ":");
        int to = feedback.indexOf("\n== ", from + 1);
        return feedback.substring(from, to < 0 ? feedback.length() : to);
    }

    @Test
    void aStudentWhoPrintsPassAndCallsSystemExitFirstScoresNothing() throws IOException {
        Path ex01 = EXERCISES.resolve("ex01-sqlite-load.java");
        assertThat(row("exits-first", ex01)).isEqualTo("0,3,graded");
        assertThat(feedback("exits-first")).contains("the grader did not finish: your code ended the program (exit code 0)")
                .doesNotContain("PASS");
    }

    @Test
    void aStudentWhoEditedTheGradingPartIsGradedByTheTeachersGrader() throws IOException {
        Path ex01 = EXERCISES.resolve("ex01-sqlite-load.java");
        assertThat(row("edited-grading", ex01)).isEqualTo("0,3,graded");
        assertThat(feedback("edited-grading")).contains("FAIL  loads every customer, quotes and all: load() is not written yet")
                .doesNotContain("PASS");
    }

    @Test
    void aStudentWhoseMethodOverloadsTheGradersIsRejectedBeforeItRuns() throws IOException {
        Path ex01 = EXERCISES.resolve("ex01-sqlite-load.java");
        assertThat(row("overloads-check", ex01)).isEqualTo("0,3,compile-error");
        assertThat(feedback("overloads-check")).contains(
                "COMPILE ERROR  ex01-sqlite-load.java: your part declares a method check(...), a name the grading code uses: rename it");
    }

    @Test
    void anEndlessLoopIsStoppedAtTheTimeLimitAndOthersAreStillGraded() throws IOException {
        Path ex01 = EXERCISES.resolve("ex01-sqlite-load.java");
        assertThat(row("endless-loop", ex01)).isEqualTo("0,3,timeout");
        assertThat(feedback("endless-loop")).contains("TIMEOUT  ex01-sqlite-load.java was stopped after 20 s");
        assertThat(row("honest", ex01)).isEqualTo("3,3,graded"); // in the same run
        assertThat(troubledRun.out()).containsPattern("(?m)^honest\\s+3/3\\s");
    }

    @Test
    void aFileThatDoesNotCompileIsACompileErrorWithItsLine() throws IOException {
        Path ex01 = EXERCISES.resolve("ex01-sqlite-load.java");
        assertThat(row("does-not-compile", ex01)).isEqualTo("0,3,compile-error");
        assertThat(feedback("does-not-compile")).containsPattern(
                "COMPILE ERROR  ex01-sqlite-load.java does not compile:\n  line \\d+: incompatible types: java.lang.String cannot be converted to int");
    }

    @Test
    void exercisesAStudentDidNotHandInAreMissing() throws IOException {
        for (Path exercise : Chapter.exercises()) {
            if (name(exercise).equals("ex01-sqlite-load")) continue;
            for (String student : List.of("exits-first", "edited-grading", "overloads-check", "endless-loop", "does-not-compile")) {
                assertThat(row(student, exercise)).isEqualTo("0," + checks(exercise) + ",missing");
            }
        }
        assertThat(feedback("endless-loop")).contains("MISSING  ex02-api-pages.java was not handed in");
    }

    @Test
    void aMissingSubmissionsFolderIsOneLineAndExitOne() {
        var run = ScriptRun.run("classroom", temp, env, "grade", temp.resolve("no-such-folder").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("classroom: submissions folder " + temp.resolve("no-such-folder") + " does not exist\n");
    }

    @Test
    void aHandoutIntoAFolderThatIsNotEmptyIsOneLineAndLeavesItAsItWas() throws IOException {
        Path taken = Files.createDirectories(temp.resolve("taken"));
        Files.writeString(taken.resolve("notes.txt"), "mine");

        var run = ScriptRun.run("classroom", temp, env, "handout", taken.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("classroom: " + taken + " already exists and is not an empty folder: give a new folder for the pack\n");
        try (var left = Files.list(taken)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
        }
        try (var beside = Files.list(temp)) {
            assertThat(beside.map(p -> p.getFileName().toString()).toList()).noneMatch(n -> n.startsWith(".taken"));
        }
    }
}
