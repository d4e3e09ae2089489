package elkit.classroom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What a grade run leaves: gradebook.csv (student,exercise,score,max,status), a feedback.txt in each
 * student's folder, and a summary on the console, one row per student and one column per exercise.
 */
public final class Gradebook {
    private Gradebook() {}

    /**
     * One gradebook row, with the feedback lines for the student and what the sandbox refused the run.
     * Status: graded, missing, compile-error or timeout.
     */
    public record Result(String student, String exercise, int score, int max, String status, List<String> feedback, List<String> refused) {
        public Result(String student, String exercise, int score, int max, String status, List<String> feedback) {
            this(student, exercise, score, max, status, feedback, List.of());
        }

        public boolean graded() {
            return status.equals("graded");
        }

        /** "2/3" when graded, else its status. */
        public String shown() {
            return graded() ? score + "/" + max : status;
        }
    }

    /** Writes the gradebook (atomically) and each student's feedback, then prints the summary. */
    public static void write(Path submissions, List<String> students, List<Exercise> exercises, List<Result> results) throws IOException {
        Path gradebook = submissions.resolve("gradebook.csv");
        Path temp = Files.createTempFile(submissions, ".gradebook", ".tmp");
        Files.writeString(temp, csv(results));
        Files.move(temp, gradebook, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (String student : students) {
            Files.writeString(submissions.resolve(student).resolve("feedback.txt"), feedback(student, results));
        }
        System.out.print(summary(students, exercises, results));
        System.out.println("\nWrote " + gradebook + " and a feedback.txt in each student's folder.");
    }

    public static String csv(List<Result> results) {
        var csv = new StringBuilder("student,exercise,score,max,status\n");
        for (var r : results) {
            csv.append(csvField(r.student())).append(',').append(r.exercise()).append(',').append(r.score()).append(',')
                    .append(r.max()).append(',').append(r.status()).append('\n');
        }
        return csv.toString();
    }

    /** A student's feedback.txt: each exercise's score and lines, then the total. */
    public static String feedback(String student, List<Result> results) {
        var text = new StringBuilder("Feedback for " + student + "\n");
        int total = 0, max = 0;
        for (var r : results) {
            if (!r.student().equals(student)) continue;
            text.append('\n').append("== ").append(r.exercise()).append(": ")
                    .append(r.graded() ? r.score() + "/" + r.max() : r.status() + ", 0/" + r.max()).append('\n');
            r.feedback().forEach(line -> text.append(line).append('\n'));
            r.refused().forEach(what -> text.append("REFUSED  ").append(what).append('\n'));
            total += r.score();
            max += r.max();
        }
        return text.append("\nTotal: ").append(total).append('/').append(max).append('\n').toString();
    }

    /** The console summary: whole exercise names as column heads, each column as wide as its name. */
    public static String summary(List<String> students, List<Exercise> exercises, List<Result> results) {
        int width = Math.max(7, students.stream().mapToInt(String::length).max().orElse(7));
        var text = new StringBuilder(String.format("%n%-" + width + "s", "student"));
        for (var e : exercises) text.append("  ").append(String.format("%-" + column(e) + "s", e.name()));
        text.append("  total\n");
        for (String student : students) {
            text.append(String.format("%-" + width + "s", student));
            int total = 0, max = 0;
            for (var e : exercises) {
                var r = results.stream().filter(x -> x.student().equals(student) && x.exercise().equals(e.name())).findFirst().orElseThrow();
                text.append("  ").append(String.format("%-" + column(e) + "s", r.shown()));
                total += r.score();
                max += r.max();
            }
            text.append("  ").append(total).append('/').append(max).append('\n');
        }
        var refused = results.stream().filter(r -> !r.refused().isEmpty()).toList();
        if (!refused.isEmpty()) {
            text.append("\nRefused by the sandbox (graded as it ran; look at these files):\n");
            for (var r : refused) {
                for (String what : r.refused()) text.append("  ").append(r.student()).append("  ").append(r.exercise()).append("  ").append(what).append('\n');
            }
        }
        return text.toString();
    }

    private static int column(Exercise exercise) {
        return Math.max(14, exercise.name().length()); // "compile-error" fits under a short name
    }

    static String csvField(String value) {
        return value.matches("[^,\"\\r\\n]*") ? value : "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
