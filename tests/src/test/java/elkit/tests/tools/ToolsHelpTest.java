package elkit.tests.tools;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.Repo;
import elkit.tests.ScriptRun;
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
    @CsvSource({"doctor,--help,Usage: doctor,ELKIT_REPO", "doctor,-h,Usage: doctor,ELKIT_REPO",
            "sandbox,--help,Usage: sandbox <service>,Environment", "sandbox,-h,Usage: sandbox <service>,Environment",
            "tour,--help,Usage: tour,ELKIT_REPO", "tour,-h,Usage: tour,ELKIT_REPO",
            "to-jshell,--help,Usage: to-jshell [--check],Environment", "to-jshell,-h,Usage: to-jshell [--check],Environment",
            "classroom,--help,classroom handout OUT_DIR,ELKIT_REPO", "classroom,-h,classroom handout OUT_DIR,ELKIT_REPO"})
    void helpPrintsUsageArgumentsAndEnvironmentAndExitsZero(String tool, String option, String usage, String environment) {
        var run = run(tool, option);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(usage, "Arguments:", environment);
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"doctor,--fast,'doctor: unknown argument --fast; usage: doctor [--strict] [--prefetch [--only NAME,...]]'",
            "sandbox,--fast,sandbox: unknown option --fast; usage: sandbox <service>",
            "tour,--fast,tour: unknown option --fast; usage: tour [--timeout SECONDS] [lesson ...]",
            "to-jshell,--fast,to-jshell: unknown option --fast; usage: to-jshell [--check]"})
    void anUnknownOptionIsOneLineAndExitTwo(String tool, String option, String line) {
        var run = run(tool, option);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(line + "\n");
        assertThat(run.out()).isEmpty();
    }
}
