package elkit.tests.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import elkit.Cli;
import elkit.EnvContract;
import elkit.Options;
import elkit.tests.support.EnvReads;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every lesson and benchmark answers {@code --help} and {@code -h} with its usage, its arguments and
 * the env vars it reads, and an unknown option with one line and exit 2, before it does anything.
 * In-process for all of them (fast), and in a JVM of their own for the three that used to create a
 * file, upload or start a server named after the option.
 */
class HelpOptionsTest {

    @TempDir
    Path dir;

    /** Lessons, benchmarks and tools; not to-jshell, which sources no elkit helper (ToolsHelpTest covers it). */
    static List<String> scripts() {
        return Repo.scripts().stream().map(Repo::scriptName).filter(name -> !name.equals("to-jshell")).toList();
    }

    static Path file(String script) {
        return Repo.scripts().stream().filter(p -> Repo.scriptName(p).equals(script)).findFirst().orElseThrow();
    }

    static Options options(String script) throws ReflectiveOperationException {
        var field = Class.forName(Repo.scriptClass(script)).getDeclaredField("OPTIONS");
        field.setAccessible(true);
        return (Options) field.get(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void mainChecksTheCommandLineFirst(String script) throws IOException {
        String code = Files.readString(file(script));
        assertThat(code).containsPattern("Cli\\.run\\(args, OPTIONS\\.around\\(" + Repo.scriptClass(script) + "::\\w+\\)\\);");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void helpAndHPrintTheUsageAndDoNotRunTheScript(String script) throws Exception {
        for (String help : List.of("--help", "-h")) {
            var ran = new AtomicBoolean();
            String out = printed(() -> options(script).around(args -> ran.set(true)).run(List.of(help)));
            assertThat(ran).as(script + " " + help + " ran the script").isFalse();
            assertThat(out).startsWith("usage: " + script).contains("Options:", "--verbose", "-h, --help");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void helpNamesEveryVariableTheScriptReads(String script) throws Exception {
        var read = new TreeSet<String>();
        String code = Files.readString(file(script));
        // env.get("X") reads the user's environment only where env may be System.getenv(); else a local server's map
        boolean envMayBeTheUsers = code.contains("System.getenv()");
        var m = EnvReads.READ.matcher(code);
        while (m.find()) if (envMayBeTheUsers || !m.group().startsWith("env.")) read.add(m.group(1));
        read.removeIf(name -> EnvContract.variable(name).map(v -> !isTargetOrElkit(name)).orElse(true));
        String help = options(script).help();
        for (String name : read) assertThat(help).as(script + " --help").contains("  " + name + " ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void anUnknownOptionIsOneUsageErrorBeforeAnythingRuns(String script) throws Exception {
        var ran = new AtomicBoolean();
        assertThatThrownBy(() -> options(script).around(args -> ran.set(true)).run(List.of("--no-such-option")))
                .isInstanceOfSatisfying(Cli.Failure.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("unknown option --no-such-option; usage: " + script).doesNotContain("\n");
                });
        assertThat(ran).isFalse();
    }

    @Test
    void aValueOptionWithoutItsValueIsAUsageError() {
        var options = Options.usage("x").option("--topic NAME", "the topic");
        assertThatThrownBy(() -> options.around(args -> {}).run(List.of("--topic")))
                .isInstanceOfSatisfying(Cli.Failure.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage("--topic needs a value; usage: x [--topic NAME] [--verbose]");
    }

    @Test
    void knownOptionsValuesAndDashedArgumentsAfterDoubleDashPass() throws Exception {
        var options = Options.usage("x [file]").option("--topic NAME", "the topic").option("--live", "live");
        var seen = new java.util.ArrayList<List<String>>();
        options.around(seen::add).run(List.of("--topic", "--odd-name", "--live", "-5", "--", "--help"));
        assertThat(seen).containsExactly(List.of("--topic", "--odd-name", "--live", "-5", "--", "--help"));
    }

    /** Through main, in a JVM of its own: the exit code, and nothing named after the option, anywhere. */
    @Test
    void theScriptsThatUsedToActOnHelpNowOnlyPrintIt() throws IOException {
        var env = new java.util.HashMap<String, String>();
        EnvContract.targetVariables().forEach(name -> env.put(name, null));
        for (String script : List.of("db-sqlite", "cloud-s3", "transfer-sftp")) {
            var help = ScriptRun.run(script, dir, env, "--help");
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).startsWith("usage: " + script).doesNotContain("[elkit]");
            assertThat(help.err()).isEmpty();

            var unknown = ScriptRun.run(script, dir, env, "--bogus");
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
            assertThat(unknown.out()).isEmpty();
            assertThat(unknown.err().strip()).isEqualTo(script + ": unknown option --bogus; usage: "
                    + optionsLine(script) + " (--help says more)");
        }
        for (Path place : List.of(dir, dir.resolve("work"), Repo.root())) {
            if (!Files.isDirectory(place)) continue;
            try (Stream<Path> files = Files.list(place)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("files in " + place).noneMatch(n -> n.equals("--help") || n.equals("--bogus"));
            }
        }
    }

    private static String optionsLine(String script) {
        try {
            return options(script).line();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isTargetOrElkit(String name) {
        return EnvContract.targetVariables().contains(name) || EnvContract.system(EnvContract.ELKIT).names().contains(name);
    }

    interface Action {
        void run() throws Exception;
    }

    /** What {@code action} printed on System.out. */
    private static String printed(Action action) throws Exception {
        PrintStream original = System.out;
        var buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

}
