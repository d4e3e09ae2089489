//DEPS me.tongfei:progressbar:0.10.1
package elkit;

import java.io.Console;
import java.time.temporal.ChronoUnit;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows that long work is moving: a progress bar (me.tongfei:progressbar) on stderr, on a terminal
 * only. Where the output is not a terminal (tests, CI, a pipe, a log file, a notebook) or
 * {@code CI=true} or {@code ELKIT_PROGRESS=0}, it shows nothing at all, so that what is printed stays
 * the same everywhere. The bar is cleared when the work ends: the lines a lesson prints are untouched.
 * <pre>
 * try (var progress = Progress.start("CSV write and read", 2)) {
 *     write(); progress.step();
 *     read();  progress.step();
 * }
 * </pre>
 * A count of 0 means "unknown": the bar then shows the elapsed time only.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar; // null: not on a terminal, nothing shown

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for {@code task} with {@code steps} steps (0: unknown), or a silent stand-in off a terminal. */
    public static Progress start(String task, long steps) {
        if (!onTerminal()) return new Progress(null);
        return new Progress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(steps > 0 ? steps : -1)
                .setStyle(ProgressBarStyle.ASCII) // one style everywhere, and every terminal can draw it
                .setUpdateIntervalMillis(250)
                .continuousUpdate() // the clock moves even while a step takes long
                .setSpeedUnit(ChronoUnit.SECONDS)
                .clearDisplayOnFinish()
                .build());
    }

    /** One step done. */
    public Progress step() {
        if (bar != null) bar.step();
        return this;
    }

    /** {@code done} steps done in all. */
    public Progress stepTo(long done) {
        if (bar != null) bar.stepTo(done);
        return this;
    }

    /** A short note after the bar: which part of the work is running. */
    public Progress note(String text) {
        if (bar != null) bar.setExtraMessage(text);
        return this;
    }

    /** Whether a bar is drawn at all. */
    public boolean shown() {
        return bar != null;
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }

    /**
     * A person is watching: standard input and output are a terminal (JDK 22 and later return a
     * Console for redirected streams too, so ask it), and neither CI nor the user turned bars off.
     */
    public static boolean onTerminal() {
        if ("true".equalsIgnoreCase(System.getenv("CI")) || "0".equals(System.getenv("ELKIT_PROGRESS"))) return false;
        Console console = System.console();
        if (console == null) return false;
        if (Runtime.version().feature() < 22) return true;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
