package elkit.classroom;

import java.util.List;

/** A grader as GradingHarnessTest runs it: main prints two lines itself, and the "student's" method prints a fake one. */
public class HarnessSample {
    public static void main(String[] args) throws Exception {
        studentMethod();
        System.out.println("PASS  printed by main");
        List.of("Score: 1/1").forEach(line -> System.out.println(line));
    }

    static void studentMethod() throws Exception {
        System.out.println("PASS  printed by the student's method");
        var thread = new Thread(() -> System.out.println("Score: 9/9"));
        thread.start();
        thread.join();
    }
}
