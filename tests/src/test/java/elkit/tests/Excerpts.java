package elkit.tests;

import java.util.Collections;
import java.util.List;

/** Code shown in a chapter page or a notebook must be the script's own code, line for line. */
final class Excerpts {
    private Excerpts() {}

    /** Lines without indentation or trailing space, blank lines dropped. */
    static List<String> normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Whether every line of {@code excerpt} appears, in order and contiguous, in {@code source}. */
    static boolean isExcerptOf(String excerpt, String source) {
        var lines = normalize(excerpt);
        return !lines.isEmpty() && Collections.indexOfSubList(normalize(source), lines) >= 0;
    }

    /** The first line of {@code excerpt} that breaks the match, to point at the drift. */
    static String firstDrift(String excerpt, String source) {
        var lines = normalize(excerpt);
        for (int n = lines.size(); n > 0; n--) {
            if (Collections.indexOfSubList(normalize(source), lines.subList(0, n)) >= 0) {
                return n == lines.size() ? "(none)" : lines.get(n);
            }
        }
        return lines.isEmpty() ? "(empty excerpt)" : lines.get(0);
    }
}
