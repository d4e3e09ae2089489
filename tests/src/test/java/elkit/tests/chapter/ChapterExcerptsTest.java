package elkit.tests.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Excerpts;
import elkit.tests.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ```java block in a chapter page is preceded by {@code <!-- from: scripts/x.java -->} and must
 * be that script's code, so the page cannot drift from what learners run; and it must be whole
 * statements (see {@link Excerpts#notWholeStatements}), so a reader never meets half a statement.
 */
class ChapterExcerptsTest {

    static final Pattern FROM = Pattern.compile("<!-- from: (scripts/[\\w.-]+\\.java) -->\\s*$");

    @ParameterizedTest(name = "{0}")
    @MethodSource("elkit.tests.support.Chapter#pages")
    void everyJavaBlockIsTheScriptsOwnCode(Path page) throws IOException {
        String text = Files.readString(page);
        var problems = new ArrayList<String>();
        var blocks = Pattern.compile("(?m)^```java[^\\n]*\\n(.*?)^```", Pattern.DOTALL).matcher(text);
        while (blocks.find()) {
            String before = text.substring(0, blocks.start()).stripTrailing();
            String lastLine = before.substring(before.lastIndexOf('\n') + 1);
            var from = FROM.matcher(lastLine);
            int line = (int) text.substring(0, blocks.start()).lines().count() + 1;
            if (!from.find()) {
                problems.add("line " + line + ": no <!-- from: scripts/x.java --> right before the block");
                continue;
            }
            Path script = Repo.path(from.group(1));
            if (!Files.exists(script)) {
                problems.add("line " + line + ": " + from.group(1) + " does not exist");
                continue;
            }
            String source = Files.readString(script);
            if (!Excerpts.isExcerptOf(blocks.group(1), source)) {
                problems.add("line " + line + ": differs from " + from.group(1) + " at: "
                        + Excerpts.firstDrift(blocks.group(1), source));
            } else if (Excerpts.notWholeStatements(blocks.group(1), source) != null) {
                String cut = Excerpts.notWholeStatements(blocks.group(1), source);
                problems.add("line " + line + ": not whole statements of " + from.group(1) + ": " + cut);
            }
        }
        assertThat(problems).as(Repo.root().relativize(page).toString()).isEmpty();
    }
}
