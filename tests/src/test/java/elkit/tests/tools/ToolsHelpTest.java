package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every tool answers --help and -h with its usage, arguments and env vars (exit 0), and an unknown option with one line (exit 2). */
class ToolsHelpTest {

    @TempDir
    static Path work;

    static ScriptRun run(String tool, String... args) {
        return ScriptRun.run(tool, Repo.root(), Map.of("ELKIT_REPO", Repo.root().toString(), "ELKIT_WORK", work.toString()), args);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"doctor,--help,usage: doctor [--strict],ELKIT_REPO", "doctor,-h,usage: doctor [--strict],ELKIT_REPO",
            "sandbox,--help,usage: sandbox <service>,postgres", "sandbox,-h,usage: sandbox <service>,postgres",
            "tour,--help,usage: tour [lesson ...],ELKIT_REPO", "tour,-h,usage: tour [lesson ...],ELKIT_REPO",
            "to-jshell,--help,Usage: to-jshell [--check],Environment", "to-jshell,-h,Usage: to-jshell [--check],Environment",
            "classroom,--help,classroom handout OUT_DIR,ELKIT_REPO", "classroom,-h,classroom handout OUT_DIR,ELKIT_REPO"})
    void helpPrintsUsageArgumentsAndEnvironmentAndExitsZero(String tool, String option, String usage, String environment) {
        var run = run(tool, option);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(usage, environment);
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"doctor,--fast,'doctor: unknown option --fast; usage: doctor [--strict] [--prefetch] [--only NAME,...] [--verbose] (--help says more)'",
            "sandbox,--fast,sandbox: unknown option --fast; usage: sandbox <service> [--verbose] (--help says more)",
            "tour,--fast,tour: unknown option --fast; usage: tour [lesson ...] [--timeout SECONDS] [--verbose] (--help says more)",
            "to-jshell,--fast,to-jshell: unknown option --fast; usage: to-jshell [--check]"})
    void anUnknownOptionIsOneLineAndExitTwo(String tool, String option, String line) {
        var run = run(tool, option);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(line + "\n");
        assertThat(run.out()).isEmpty();
    }
}
