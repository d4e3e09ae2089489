package elkit.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import elkit.tests.support.BenchChart;
import elkit.tests.support.Repo;
import elkit.tests.support.ScriptRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark with a tiny N: its counts and sums and its arguments, not its speed (that is measured by running it). */
class BenchFilesTest {

    @TempDir
    Path dir;

    @Test
    void aTinyRunChecksCountsAndBalanceSumsComparesWithPythonCleansUpAndDrawsItsChart() throws Exception {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "1,000");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as("no progress bar when the output is not a terminal").isEmpty();
        assertThat(run.out()).doesNotContain("write and read");
        // balances are (i % 1,000,000) / 100: 1..1000 sum to 500,500 cents, 1..200 to 20,100
        assertThat(run.out()).startsWith("Machine: ")
                .containsPattern("CSV  +1,000 rows .* write .* rows/s .* read .* rows/s .* write\\+read .* rows/s")
                .contains("        check: 1,000 rows, balance sum 5005.00, same as written")
                .containsPattern("JSON +1,000 rows")
                .containsPattern("XML  +200 rows")
                .containsPattern("XML DOM +200 rows")
                .contains("        check: 200 rows, balance sum 201.00, same as written")
                .containsPattern("CSV  +1,000 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("JSON +1,000 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("XML  +200 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .containsPattern("Deleted the benchmark's files in .*bench \\([0-9.]+ MB\\)");
        // the data files are gone; the chart stays, with the table's write+read rows/s for Java and Python
        var figures = new LinkedHashMap<String, String>();
        var java = Pattern.compile("(?m)^(CSV|JSON|XML|XML DOM) +[\\d,]+ rows .* write\\+read +([\\d,]+) rows/s$").matcher(run.out());
        while (java.find()) figures.put(java.group(1) + ", Java", java.group(2));
        var python = Pattern.compile("(?m)^(CSV|JSON|XML) +[\\d,]+ rows  write .* write\\+read +([\\d,]+) rows/s  check ok").matcher(run.out());
        while (python.find()) figures.put(python.group(1) + ", Python", python.group(2));
        assertThat(figures).hasSize(7);
        String text = BenchChart.check(dir, "bench-files", run, figures);
        assertThat(text).contains("CSV and JSON 1,000 rows, XML 200 rows", "write+read rows/s", "Java", "Python");
    }

    @Test
    void onATerminalItShowsProgressAndClearsItButNotUnderCi() {
        assumeTrue(new java.io.File("/usr/bin/script").canExecute(), "util-linux's script (a terminal for the run) is not installed");
        var bar = onTerminal(Map.of());
        assertThat(bar.exitCode()).as(bar.toString()).isZero();
        // the bar (task, percentage) is drawn on the terminal while a format runs, then cleared; the lines stay
        assertThat(bar.out()).contains("CSV write and read", "%", "Python csv, json, xml.etree")
                .containsPattern("CSV  +2,000 rows  write .* check ok  ->  Java is [0-9.]+x Python")
                .contains("Chart: ");

        var ci = onTerminal(Map.of("CI", "true"));
        assertThat(ci.exitCode()).as(ci.toString()).isZero();
        assertThat(ci.out()).doesNotContain("write and read").contains("Chart: ");
    }

    /** bench-files with 2,000 rows on a terminal of its own (util-linux's script), as a person at a terminal runs it. */
    private ScriptRun onTerminal(Map<String, String> env) {
        var command = new java.util.ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ScriptRun.runtimeOptions("bench-files"));
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Repo.scriptClass("bench-files"), "2,000"));
        String line = command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(java.util.stream.Collectors.joining(" "));
        var all = new java.util.HashMap<String, String>();
        all.put("CI", null);
        all.put("ELKIT_PROGRESS", null);
        all.putAll(env);
        return ScriptRun.exec(java.util.List.of("/usr/bin/script", "-qefc", line, "/dev/null"), dir.resolve("tty"), all);
    }

    @Test
    void aBadRowCountIsAUsageError() {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "lots");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-files: usage: bench-files [rows] [--verbose]   ('lots' is not a whole number)");
    }

    @Test
    void extraArgumentsAreRefused() {
        var run = ScriptRun.run("bench-files", dir, Map.of(), "1000", "json");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList())
                .containsExactly("bench-files: usage: bench-files [rows] [--verbose]   (one argument expected, got 2: 1000 json)");
    }
}
