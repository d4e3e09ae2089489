package elkit.classroom;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import elkit.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * An exercise's maximum score, from its code: the calls of {@code elkit.Grading.check} in the teacher's
 * file, found by the compiler (names resolved, so a method of another class named check does not count).
 * A check called in a loop would count once for many, so it is refused. Helper file: {@link Cli}.
 */
public final class Checks {
    private Checks() {}

    public static final String GRADING_CLASS = "elkit.Grading";

    /** The number of checks in {@code exercise}, compiled with {@code helperSources} on {@code classpath}. */
    public static int count(Path exercise, List<Path> helperSources, String classpath) throws IOException {
        var compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) throw Cli.fail("counting an exercise's checks needs a JDK, not a JRE (%s)", System.getProperty("java.home"));
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (var files = compiler.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            var sources = new ArrayList<Path>(List.of(exercise));
            sources.addAll(helperSources);
            var options = List.of("-proc:none", "-classpath", classpath.isEmpty() ? "." : classpath);
            var task = (JavacTask) compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources));
            var units = task.parse();
            task.analyze();
            var trees = Trees.instance(task);
            var scanner = new Counter(trees, exercise);
            for (CompilationUnitTree unit : units) {
                if (Path.of(unit.getSourceFile().toUri()).equals(exercise.toAbsolutePath().normalize())) scanner.scan(unit, null);
            }
            if (scanner.count == 0) throw Cli.fail("%s: no check(...) of %s in its grader", exercise.getFileName(), GRADING_CLASS);
            return scanner.count;
        }
    }

    private static final class Counter extends TreePathScanner<Void, Void> {
        private final Trees trees;
        private final Path exercise;
        int count;
        private int loops;

        Counter(Trees trees, Path exercise) {
            this.trees = trees;
            this.exercise = exercise;
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
            if (trees.getElement(getCurrentPath()) instanceof ExecutableElement method && method.getSimpleName().contentEquals("check")
                    && method.getEnclosingElement() instanceof TypeElement type && type.getQualifiedName().contentEquals(GRADING_CLASS)) {
                if (loops > 0) throw Cli.fail("%s: check(...) is called in a loop; call it once per check, so that its calls count the checks", exercise.getFileName());
                count++;
            }
            return super.visitMethodInvocation(node, unused);
        }

        @Override
        public Void visitForLoop(ForLoopTree node, Void unused) {
            return inLoop(() -> super.visitForLoop(node, unused));
        }

        @Override
        public Void visitEnhancedForLoop(EnhancedForLoopTree node, Void unused) {
            return inLoop(() -> super.visitEnhancedForLoop(node, unused));
        }

        @Override
        public Void visitWhileLoop(WhileLoopTree node, Void unused) {
            return inLoop(() -> super.visitWhileLoop(node, unused));
        }

        @Override
        public Void visitDoWhileLoop(DoWhileLoopTree node, Void unused) {
            return inLoop(() -> super.visitDoWhileLoop(node, unused));
        }

        private Void inLoop(java.util.function.Supplier<Void> body) {
            loops++;
            try {
                return body.get();
            } finally {
                loops--;
            }
        }
    }
}
