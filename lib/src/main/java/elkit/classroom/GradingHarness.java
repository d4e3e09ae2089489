package elkit.classroom;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;

/**
 * The grading JVM's main class: {@code java elkit.classroom.GradingHarness EXERCISE_CLASS}, the trust
 * boundary between a student's code and the grade. It reads a secret token on stdin before the exercise
 * class is loaded, and tags with it only the lines printed directly by the grader's own main (the
 * PASS/FAIL lines and the score): a student's code that prints "PASS" or "Score: 3/3", from its method, a
 * static block or a thread of its own, prints untagged lines, which do not count. {@link Grader} compiles
 * this file with each submission and keeps only the tagged lines.
 */
public final class GradingHarness extends OutputStream {
    private static String exercise;
    private final PrintStream real;
    private final String token;
    private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);
    private final ThreadLocal<boolean[]> trusted = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradingHarness(PrintStream real, String token) {
        this.real = real;
        this.token = token;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length != 1) throw new IllegalArgumentException("usage: GradingHarness EXERCISE_CLASS (the token on stdin)");
        exercise = args[0];
        String token = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        System.setIn(new ByteArrayInputStream(new byte[0]));
        var real = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(new GradingHarness(real, token), true, StandardCharsets.UTF_8));
        try {
            var main = Class.forName(exercise).getMethod("main", String[].class);
            main.setAccessible(true); // the exercise class is package-private, in the unnamed package
            main.invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The grader's main prints its report itself: the first frame outside the JDK is main or one of its lambdas. */
    private static boolean fromGrader() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
                        && !f.getClassName().startsWith("sun.") && !f.getClassName().equals(GradingHarness.class.getName()))
                .findFirst()
                .map(f -> f.getClassName().equals(exercise)
                        && (f.getMethodName().equals("main") || f.getMethodName().startsWith("lambda$main$")))
                .orElse(false));
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        boolean grader = fromGrader();
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                String text = line.get().toString(StandardCharsets.UTF_8);
                real.println(trusted.get()[0] && grader ? token + " " + text : text);
                line.get().reset();
                trusted.get()[0] = true;
            } else {
                line.get().write(bytes[i]);
                if (!grader) trusted.get()[0] = false;
            }
        }
    }
}
