package elkit.classroom;

import elkit.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An exercise of the repository: its file, the class it declares, and its two parts, the learner's
 * above the grading line and the teacher's grader below it. Every exNN-*.java of the exercises folder
 * that holds the grading line is one. Helper file: {@link Cli}.
 */
public record Exercise(String name, Path file, String className, String grading) {

    public static final String FOLDER = "chapters/05-extract-load/exercises";
    public static final String GRADING_LINE = "// ---- grading: do not edit below this line ----";

    public static Exercise of(Path file) throws IOException {
        String text = Files.readString(file);
        String name = file.getFileName().toString().replaceFirst("\\.java$", "");
        return new Exercise(name, file, name.replace('-', '_'), text.substring(text.indexOf(GRADING_LINE)));
    }

    /** Every exercise of {@code repo}, by name. */
    public static List<Exercise> all(Path repo) throws IOException {
        var found = new ArrayList<Exercise>();
        try (Stream<Path> files = Files.list(repo.resolve(FOLDER))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (Files.readString(file).contains(GRADING_LINE)) found.add(of(file));
            }
        }
        if (found.isEmpty()) throw Cli.fail("no exercise with a grading line in %s", repo.resolve(FOLDER));
        return found;
    }

    public String fileName() {
        return name + ".java";
    }

    /** The teacher's file above the grading line: the starter's imports, types and learner methods. */
    public String top() throws IOException {
        String teacher = Files.readString(file);
        return teacher.substring(0, teacher.indexOf(GRADING_LINE));
    }
}
