package elkit.tests.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.classroom.Sandbox;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile submissions, graded in one class with --jobs 2 beside an honest student: each is the
 * reference answer to exercise 1 with a few lines that try to get out of the sandbox or harm the
 * machine, once (a static flag), at the start of load(). Each test asserts that nothing outside the
 * run changed, what the gradebook and the feedback say, and that the rest of the class was graded.
 * The teacher's home here is a folder of the test's own, with a canary: the real home is not touched.
 */
class SandboxedGradingTest {

    static final String FILE = "ex01-sqlite-load.java";
    static final String SECRET = "canary-7c1e-do-not-leak";
    static final String SLEEP = "599.5"; // the forking student's processes, found by their argument

    @TempDir
    static Path temp;

    static Path machine;
    static Path teacherHome;
    static Path outside;
    static ServerSocket teachersServer;
    static Path submissions;
    static ScriptRun gradeRun;
    static Map<String, String> rows = new LinkedHashMap<>();
    static Duration took;

    static boolean sandboxWorks() {
        return Sandbox.unavailable().isEmpty();
    }

    @BeforeAll
    static void gradeAClassOfHostileStudents() throws IOException {
        if (!sandboxWorks()) {
            // CI has bubblewrap (.ci/run installs it): there, a machine without a sandbox is a failure
            assertThat(System.getenv("CI")).as("CI=true and no sandbox: " + Sandbox.unavailable().orElse("")).isNotEqualTo("true");
            return;
        }
        // outside /tmp, which the run has a folder of its own at (a path there is not reported): beside the build's output
        machine = Files.createTempDirectory(Files.createDirectories(Repo.path("tests/target")), "sandboxed-grading-");
        teacherHome = Files.createDirectories(machine.resolve("teacher-home"));
        Files.writeString(teacherHome.resolve("canary.txt"), SECRET);
        Files.writeString(teacherHome.resolve("keep.txt"), "keep me");
        outside = Files.createDirectories(machine.resolve("outside"));
        teachersServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        String solution = Files.readString(Repo.path("chapters/05-extract-load/exercises/solutions/" + FILE));
        var students = new LinkedHashMap<String, String>();
        students.put("honest", null);
        students.put("reads-canary", "System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of(\"" + teacherHome.resolve("canary.txt") + "\")));");
        students.put("writes-outside", "java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + outside.resolve("written.txt") + "\"), \"mine\");");
        students.put("writes-system", "java.nio.file.Files.writeString(java.nio.file.Path.of(\"/usr/elkit-written.txt\"), \"mine\");");
        students.put("connects-home", "try (var s = new java.net.Socket(\"127.0.0.1\", " + teachersServer.getLocalPort() + ")) { s.getOutputStream().write(1); }");
        students.put("connects-out", "try (var s = new java.net.Socket()) { s.connect(new java.net.InetSocketAddress(\"192.0.2.10\", 443), 2000); } catch (Exception hidden) { }");
        students.put("deletes-home", "java.nio.file.Files.delete(java.nio.file.Path.of(\"" + teacherHome.resolve("keep.txt") + "\"));");
        students.put("forks", "try { for (int i = 0; i < 100_000; i++) new ProcessBuilder(\"/usr/bin/sleep\", \"" + SLEEP + "\").start(); } catch (java.io.IOException limit) { System.out.println(\"forks stopped: \" + limit.getMessage()); }");
        students.put("allocates", "var hog = new ArrayList<long[]>(); while (true) hog.add(new long[1 << 20]);");
        students.put("fills-disk", "byte[] mb = new byte[1 << 20]; try { for (int n = 0; ; n++) try (var out = java.nio.file.Files.newOutputStream(java.nio.file.Path.of(\"/tmp/elkit-fill-\" + n))) { while (true) out.write(mb); } catch (java.io.IOException e) { if (!String.valueOf(e.getMessage()).contains(\"File too large\")) throw e; System.out.println(\"file \" + n + \" full\"); } } catch (java.io.IOException full) { System.out.println(\"disk full: \" + full.getMessage()); }");
        students.put("prints-forever", "while (true) System.out.println(\"PASS  loads every customer, quotes and all\");");
        students.put("sleeps", "Thread.sleep(Long.MAX_VALUE);");
        students.put("kills-parent", "ProcessHandle.current().parent().ifPresent(p -> { p.parent().ifPresent(ProcessHandle::destroyForcibly); p.destroyForcibly(); });");

        submissions = Files.createDirectories(temp.resolve("submissions"));
        for (var student : students.entrySet()) {
            String answer = student.getValue() == null ? solution : hostile(solution, student.getValue());
            Files.writeString(Files.createDirectories(submissions.resolve(student.getKey())).resolve(FILE), answer);
        }
        long start = System.nanoTime();
        gradeRun = classroom(Duration.ofMinutes(12), Map.of(), "grade", submissions.toString(), "--timeout", "30", "--jobs", "2");
        took = Duration.ofNanos(System.nanoTime() - start);
        Path csv = submissions.resolve("gradebook.csv");
        if (Files.exists(csv)) {
            for (String row : Files.readAllLines(csv)) {
                String[] cells = row.split(",");
                if (cells[1].equals("ex01-sqlite-load")) rows.put(cells[0], cells[2] + "," + cells[3] + "," + cells[4]);
            }
        }
    }

    /**
     * The solution with the hostile lines in a method of their own, called once at the start of load()
     * (the grader calls load several times); what they throw, load throws.
     */
    static String hostile(String solution, String lines) {
        String method = "    static void load(Connection conn, List<Customer> customers) throws SQLException {\n";
        assertThat(solution).contains(method);
        return solution.replace(method, """
                    static boolean tried;

                    static void once() throws Exception {
                        %s
                    }

                %s        if (!tried) {
                            tried = true;
                            try {
                                once();
                            } catch (SQLException | RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new SQLException(e.toString(), e);
                            }
                        }
                """.formatted(lines, method));
    }

    static ScriptRun classroom(Duration limit, Map<String, String> extraEnv, String... args) {
        var env = new HashMap<String, String>();
        env.put("ELKIT_REPO", Repo.root().toString());
        env.putAll(extraEnv);
        return ScriptRun.run(limit, "classroom", temp, env, args);
    }

    @AfterAll
    static void closeTheTeachersServer() throws IOException {
        if (teachersServer != null) teachersServer.close();
        if (machine != null) elkit.Scratch.delete(machine);
        System.out.println("SandboxedGradingTest: the hostile class (13 students, --jobs 2) graded in " + took);
    }

    static String feedback(String student) throws IOException {
        return Files.readString(submissions.resolve(student).resolve("feedback.txt"));
    }

    static String row(String student) {
        assertThat(rows).as(gradeRun.toString()).containsKey(student);
        return rows.get(student);
    }

    // ---- the class was graded ----

    @Test
    void theWholeClassIsGradedAndTheHonestStudentGetsFullMarks() {
        assumeTrue(sandboxWorks(), "no sandbox on this machine: " + Sandbox.unavailable().orElse(""));
        assertThat(gradeRun.exitCode()).as(gradeRun.toString()).isZero();
        assertThat(rows).as(gradeRun.toString()).hasSize(13);
        assertThat(row("honest")).isEqualTo("3,3,graded");
        assertThat(gradeRun.out()).containsPattern("(?m)^honest\\s+3/3\\s").contains("each in a sandbox");
    }

    // ---- files ----

    @Test
    void aCanaryInTheTeachersHomeIsNotThereToReadAndTheFeedbackNamesIt() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        Path canary = teacherHome.resolve("canary.txt");
        assertThat(row("reads-canary")).isEqualTo("2,3,graded"); // the first check failed on the file, the others pass
        assertThat(feedback("reads-canary")).contains("REFUSED  " + canary + ": a file outside the sandbox (not there)")
                .doesNotContain(SECRET);
        assertThat(gradeRun.out()).doesNotContain(SECRET).contains("Refused by the sandbox")
                .containsPattern("(?m)^  reads-canary  ex01-sqlite-load  " + java.util.regex.Pattern.quote(canary.toString()));
        assertThat(canary).hasContent(SECRET);
    }

    @Test
    void writesOutsideTheRunsTempFolderLeaveNothingAndAreNamed() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.toList()).isEmpty();
        }
        assertThat(Path.of("/usr/elkit-written.txt")).doesNotExist();
        assertThat(row("writes-outside")).isEqualTo("2,3,graded");
        assertThat(feedback("writes-outside")).contains("REFUSED  " + outside.resolve("written.txt") + ": a file outside the sandbox");
        assertThat(row("writes-system")).isEqualTo("2,3,graded");
        assertThat(feedback("writes-system")).contains("REFUSED  /usr/elkit-written.txt: a file outside the sandbox (read-only there)");
    }

    @Test
    void aFileInTheTeachersHomeCannotBeDeleted() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(teacherHome.resolve("keep.txt")).hasContent("keep me");
        assertThat(row("deletes-home")).isEqualTo("2,3,graded");
        assertThat(feedback("deletes-home")).contains("REFUSED  " + teacherHome.resolve("keep.txt") + ": a file outside the sandbox");
    }

    @Test
    void fillingTheDiskFillsTheRunsOwnSmallTempFolderOnly() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(row("fills-disk")).isEqualTo("3,3,graded"); // it stopped at the limit, then loaded the customers
        try (Stream<Path> hostTemp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(hostTemp.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("elkit-fill-"));
        }
    }

    // ---- network ----

    @Test
    void aServerOnTheTeachersLoopbackGetsNoConnection() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        teachersServer.setSoTimeout(200);
        try {
            var arrived = teachersServer.accept();
            arrived.close();
            throw new AssertionError("a connection from the sandbox arrived at the teacher's server");
        } catch (SocketTimeoutException none) {
            // nothing came
        }
        assertThat(row("connects-home")).isEqualTo("2,3,graded");
        assertThat(feedback("connects-home")).contains("REFUSED  a connection refused");
    }

    @Test
    void aConnectionOutThatTheCodeHidesIsStillNamedFromTheRunsOwnNetworkCounters() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(row("connects-out")).isEqualTo("3,3,graded"); // it hid the failure: graded as it ran
        assertThat(feedback("connects-out")).containsPattern("REFUSED  \\d+ attempts? to reach an address outside the sandbox \\(no route out\\)");
        assertThat(feedback("honest")).doesNotContain("REFUSED");
    }

    // ---- the machine ----

    @Test
    void aForkBombStopsAtTheProcessLimitAndLeavesNoProcessBehind() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        // where the limit stops it decides the score: an IOException it catches (3/3), an Error from a thread
        // the JVM could not start (the first check fails: 2/3), or a JVM slowed down to the time limit
        assertThat(row("forks")).isIn("3,3,graded", "2,3,graded", "0,3,timeout");
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().arguments().map(List::of).orElse(List.of())))
                .noneMatch(arguments -> arguments.contains(SLEEP));
    }

    @Test
    void allocatingWithoutEndFailsInTheRunOnly() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(row("allocates")).isEqualTo("2,3,graded");
        assertThat(feedback("allocates")).contains("FAIL  loads every customer, quotes and all: Java heap space");
    }

    @Test
    void printingWithoutEndAndSleepingPastTheLimitAreStoppedAtTheTimeLimit() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(row("prints-forever")).isEqualTo("0,3,timeout");
        assertThat(row("sleeps")).isEqualTo("0,3,timeout");
        assertThat(feedback("sleeps")).contains("TIMEOUT  ex01-sqlite-load.java was stopped after 30 s");
        assertThat(gradeRun.out().length()).as("the console shows no flood").isLessThan(20_000);
        assertThat(Files.size(submissions.resolve("prints-forever/feedback.txt"))).isLessThan(5_000);
    }

    @Test
    void killingItsParentEndsTheRunOnlyNotTheGrading() throws IOException {
        assumeTrue(sandboxWorks(), "no sandbox on this machine");
        assertThat(row("kills-parent")).isEqualTo("0,3,graded");
        assertThat(feedback("kills-parent")).contains("the grader did not finish")
                .contains("REFUSED  the sandbox's own shell was stopped by the run");
        assertThat(gradeRun.exitCode()).isZero(); // the grading process and its parents lived on
    }

    // ---- no sandbox ----

    @Test
    void withoutASandboxGradingRefusesInOneLineThatSaysHowToGradeAnyway() throws IOException {
        var run = classroom(Duration.ofMinutes(3), Map.of(Sandbox.BWRAP_ENV, temp.resolve("no-bwrap").toString()),
                "grade", Files.createDirectories(temp.resolve("empty-class/ada")).getParent().toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("classroom: cannot run the students' code in a sandbox here: " + Sandbox.BWRAP_ENV + "="
                + temp.resolve("no-bwrap") + " is not an executable bwrap; to grade anyway, with their code running as you,"
                + " add --no-sandbox (on a lab account or a throwaway machine)\n");
        assertThat(temp.resolve("empty-class/gradebook.csv")).doesNotExist();
    }

    @Test
    void withNoSandboxTheClassIsGradedWithAWarningOnEveryRun() throws IOException {
        Path honest = Files.createDirectories(temp.resolve("unsandboxed/ada"));
        Files.copy(Repo.path("chapters/05-extract-load/exercises/solutions/" + FILE), honest.resolve(FILE));
        Files.copy(Repo.path("chapters/05-extract-load/exercises/solutions/" + FILE), Files.createDirectories(temp.resolve("unsandboxed/grace")).resolve(FILE));
        var run = classroom(Duration.ofMinutes(8), Map.of(Sandbox.BWRAP_ENV, temp.resolve("no-bwrap").toString()),
                "grade", honest.getParent().toString(), "--no-sandbox", "--timeout", "60");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("NO SANDBOX: the students' code runs as you")
                .contains("  WARNING  no sandbox (--no-sandbox): ada/ex01-sqlite-load ran with your user's rights, files and network")
                .contains("  WARNING  no sandbox (--no-sandbox): grace/ex01-sqlite-load ran with your user's rights, files and network")
                .containsPattern("(?m)^ada\\s+3/3\\s");
        assertThat(run.out().lines().filter(l -> l.contains("WARNING  no sandbox")).count()).isEqualTo(2); // the files handed in, not the missing ones
    }
}
