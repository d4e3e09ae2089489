package elkit.tests.support;

import java.util.Collections;
import java.util.List;

/** Code shown in a chapter page or a notebook must be the script's own code, line for line. */
public final class Excerpts {
    private Excerpts() {}

    /** Lines without indentation or trailing space, blank lines dropped. */
    public static List<String> normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Whether every line of {@code excerpt} appears, in order and contiguous, in {@code source}. */
    public static boolean isExcerptOf(String excerpt, String source) {
        var lines = normalize(excerpt);
        return !lines.isEmpty() && Collections.indexOfSubList(normalize(source), lines) >= 0;
    }

    /**
     * Whether {@code excerpt} is made of whole statements, so a reader can follow it: it does not
     * begin inside a statement, a text block or a parenthesis the script opened before it, and it does
     * not stop in one. Returns what is wrong, or null. Checked on the code with string literals, text
     * blocks and comments left out: (), [] and {} balance; the last line ends a statement ({@code ;} or
     * {@code }}) or is a comment; the script's line before the excerpt ends one too.
     */
    public static String notWholeStatements(String excerpt, String source) {
        var lines = normalize(excerpt);
        var all = normalize(source);
        int at = Collections.indexOfSubList(all, lines);
        if (lines.isEmpty() || at < 0) return null; // the verbatim check reports these
        String code = codeOnly(String.join("\n", lines));
        if (code == null) return "it starts or stops inside a text block (\"\"\")";
        int depth = 0;
        for (char c : code.toCharArray()) {
            if (c == '(' || c == '[' || c == '{') depth++;
            if (c == ')' || c == ']' || c == '}') depth--;
            if (depth < 0) return "it closes a bracket opened before it: it starts inside a statement or block";
        }
        if (depth > 0) return "it leaves a bracket open: it stops inside a statement or block";
        String last = lines.get(lines.size() - 1);
        String lastCode = lineCode(last);
        if (!(lastCode.isEmpty() || lastCode.endsWith(";") || lastCode.endsWith("}"))) {
            return "its last line does not end a statement: " + last;
        }
        for (int i = at - 1; i >= 0; i--) { // the script's last line of code before the excerpt
            String before = all.get(i);
            if (before.startsWith("*") || before.startsWith("/*") || before.startsWith("@")) break;
            String beforeCode = lineCode(before);
            if (beforeCode.isEmpty()) continue; // a comment line
            boolean ends = beforeCode.endsWith(";") || beforeCode.endsWith("{") || beforeCode.endsWith("}");
            if (!ends) return "it starts inside a statement; the script's line before it is: " + before;
            break;
        }
        return null;
    }

    /** One line's code without its comment; for a line that ends or starts a text block, the code after the quotes. */
    static String lineCode(String line) {
        String code = codeOnly(line);
        if (code != null) return code.strip();
        String after = codeOnly(line.substring(line.lastIndexOf("\"\"\"") + 3));
        return after == null ? line : after.strip();
    }

    /** {@code code} without comments, string and char literals and text blocks; null if a text block is left open. */
    static String codeOnly(String code) {
        var out = new StringBuilder();
        int i = 0;
        while (i < code.length()) {
            if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                while (end > 0 && code.charAt(end - 1) == '\\') end = code.indexOf("\"\"\"", end + 1);
                if (end < 0) return null;
                i = end + 3;
            } else if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                i = end < 0 ? code.length() : end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
            } else if (code.charAt(i) == '"' || code.charAt(i) == '\'') {
                char quote = code.charAt(i++);
                while (i < code.length() && code.charAt(i) != quote && code.charAt(i) != '\n') {
                    i += code.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                out.append(code.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The first line of {@code excerpt} that breaks the match, to point at the drift. */
    public static String firstDrift(String excerpt, String source) {
        var lines = normalize(excerpt);
        for (int n = lines.size(); n > 0; n--) {
            if (Collections.indexOfSubList(normalize(source), lines.subList(0, n)) >= 0) {
                return n == lines.size() ? "(none)" : lines.get(n);
            }
        }
        return lines.isEmpty() ? "(empty excerpt)" : lines.get(0);
    }
}
