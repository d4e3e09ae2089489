package elkit.tests.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Chapter;
import elkit.tests.support.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A chapter page promises output: a ```text block that starts with {@code $ ./jbang <alias> [args]}.
 * This test runs that command and checks that every other line of the block is printed, in order
 * ({@code ...} stands for lines left out).
 */
class ChapterOutputsTest {

    static final Pattern TEXT_BLOCK = Pattern.compile("(?ms)^```text\\n\\$ \\./jbang ([^\\n]+)\\n(.*?)^```");

    static List<Arguments> promises() throws IOException {
        var promises = new ArrayList<Arguments>();
        for (Path page : Chapter.pages()) {
            var m = TEXT_BLOCK.matcher(Files.readString(page));
            while (m.find()) {
                promises.add(Arguments.of(page.getFileName() + ": ./jbang " + m.group(1), m.group(1), m.group(2)));
            }
        }
        return promises;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("promises")
    void theScriptPrintsWhatThePagePromises(String title, String command, String promised, @TempDir Path dir) {
        var words = Arrays.asList(command.trim().split("\\s+"));
        var run = ScriptRun.run(words.get(0), dir, java.util.Map.of(), words.subList(1, words.size()).toArray(String[]::new));
        var printed = (run.out() + run.err()).lines().map(String::stripTrailing).toList();

        int at = 0;
        for (String line : promised.lines().map(String::stripTrailing).toList()) {
            if (line.equals("...") || line.isEmpty()) continue;
            int found = printed.subList(at, printed.size()).indexOf(line);
            assertThat(found).as("'%s' printed after line %d of:%n%s", line, at, run).isNotNegative();
            at += found + 1;
        }
    }
}
