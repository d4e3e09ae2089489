package elkit.tests.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The methods a learner writes in an exercise, found by the convention in the exercises README:
 * a {@code // student: name, name} line above the grading line names them; without it, they are the
 * methods above the grading line whose starter body throws {@code UnsupportedOperationException}.
 * Used to write the two submissions every grader check must fail: one whose methods do nothing,
 * one whose methods always throw.
 */
public final class StudentMethods {
    private StudentMethods() {}

    public static final String GRADING = "// ---- grading: do not edit below this line ----";
    static final Pattern MARKER = Pattern.compile("(?m)^\\s*// student:\\s*(.+)$");

    /** A method's signature and where its body is: text[bodyStart] is '{', text[bodyEnd - 1] is '}'. */
    public record Method(String name, String returnType, List<String> thrown, int bodyStart, int bodyEnd) {}

    static List<Method> of(String exercise) {
        String top = exercise.substring(0, exercise.indexOf(GRADING));
        var declared = declared(top);
        Matcher marker = MARKER.matcher(top);
        if (marker.find()) {
            var names = Arrays.stream(marker.group(1).split(",")).map(String::strip).toList();
            return declared.stream().filter(m -> names.contains(m.name())).toList();
        }
        return declared.stream()
                .filter(m -> top.substring(m.bodyStart(), m.bodyEnd()).contains("throw new UnsupportedOperationException"))
                .toList();
    }

    static final Pattern SIGNATURE = Pattern.compile(
            "(?m)^\\s*(?:public\\s+|protected\\s+|private\\s+)?static\\s+(?:<[^>]+>\\s+)?([\\w.<>\\[\\], ?]+?)\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*(?:throws\\s+([\\w., ]+?))?\\s*\\{");

    static List<Method> declared(String top) {
        var methods = new ArrayList<Method>();
        Matcher m = SIGNATURE.matcher(top);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0, end = open;
            for (int i = open; i < top.length(); i++) {
                if (top.charAt(i) == '{') depth++;
                if (top.charAt(i) == '}' && --depth == 0) {
                    end = i + 1;
                    break;
                }
            }
            var thrown = m.group(4) == null ? List.<String>of()
                    : Arrays.stream(m.group(4).split(",")).map(String::strip).toList();
            methods.add(new Method(m.group(2), m.group(1).strip(), thrown, open, end));
        }
        return methods;
    }

    /** The exercise with each learner method's body replaced by {@code body(method)}. */
    public static String rewrite(String exercise, java.util.function.Function<Method, String> body) {
        var methods = new ArrayList<>(of(exercise));
        if (methods.isEmpty()) throw new AssertionError("no learner method found: add a // student: line (exercises README)");
        methods.sort((a, b) -> Integer.compare(b.bodyStart(), a.bodyStart())); // from the end: offsets stay valid
        String text = exercise;
        for (var m : methods) text = text.substring(0, m.bodyStart()) + "{\n        " + body.apply(m) + "\n    }" + text.substring(m.bodyEnd());
        return text;
    }

    /** A method that does nothing: returns the empty value of its type. */
    public static String doesNothing(Method m) {
        String type = m.returnType();
        if (type.equals("void")) return "// does nothing";
        if (type.equals("boolean")) return "return false;";
        if (List.of("int", "long", "double", "float", "short", "byte", "char").contains(type)) return "return 0;";
        if (type.equals("String")) return "return \"\";";
        for (String empty : List.of("List", "Set", "Map")) {
            if (type.startsWith(empty + "<") || type.equals(empty)) return "return java.util." + empty + ".of();";
        }
        if (type.startsWith("Optional")) return "return java.util.Optional.empty();";
        return "return null;";
    }

    /** A method that always throws: the first exception it declares, else an IllegalStateException. */
    public static String alwaysThrows(Method m) {
        String type = m.thrown().isEmpty() ? "IllegalStateException" : m.thrown().get(0);
        return "throw new " + type + "(\"always throws\");";
    }
}
