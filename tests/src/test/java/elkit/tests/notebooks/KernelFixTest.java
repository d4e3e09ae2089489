package elkit.tests.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import elkit.tests.support.Repo;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel jar the notebooks module copies carries ELKit's LoopThread (notebooks/kernel-fix): a channel's
 * loop runs from its first instant, and a message that fails does not end it. Loaded from the jar a learner
 * installs, in a class loader of its own, as the kernel loads it.
 */
class KernelFixTest {

    static URLClassLoader kernel;
    static Class<?> loopThread;

    @BeforeAll
    static void loadFromTheKernelJar() throws Exception {
        Path jar = Repo.path("notebooks/target/kernel/rapaio-jupyter-kernel.jar");
        assertThat(jar).as("built by the notebooks module (mvn -pl notebooks -am package)").isRegularFile();
        kernel = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        loopThread = kernel.loadClass("org.rapaio.jupyter.kernel.channels.LoopThread");
    }

    @AfterAll
    static void close() throws Exception {
        kernel.close();
    }

    static Thread newLoop(String name, Runnable body) throws Exception {
        return (Thread) loopThread.getConstructor(String.class, long.class, Runnable.class).newInstance(name, 1L, body);
    }

    static void shutdown(Thread loop) throws Exception {
        loopThread.getMethod("shutdown").invoke(loop);
        loop.join(5_000);
    }

    @Test
    void aMessageThatFailsIsDroppedAndTheChannelGoesOn() throws Exception {
        var calls = new AtomicInteger();
        var thirdCall = new CountDownLatch(1);
        Thread loop = newLoop("Shell-test", () -> {
            if (calls.incrementAndGet() == 1) throw new NullPointerException("no handlers yet"); // the start-up race
            if (calls.get() == 3) thirdCall.countDown();
        });
        loop.start();

        assertThat(thirdCall.await(10, TimeUnit.SECONDS)).as("the loop ran on after its body threw").isTrue();
        assertThat(loop.isAlive()).isTrue();
        shutdown(loop);
        assertThat(loop.isAlive()).as("shutdown ends it").isFalse();
    }

    @Test
    void everyLoopRunsItsBodyFromItsFirstInstant() throws Exception {
        // the original set its running flag after Thread.start: a thread scheduled at once ended unrun
        var loops = new ArrayList<Thread>();
        var ran = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            var once = new java.util.concurrent.atomic.AtomicBoolean();
            Thread loop = newLoop("loop-" + i, () -> {
                if (once.compareAndSet(false, true)) ran.countDown();
            });
            loop.start();
            loops.add(loop);
        }
        try {
            assertThat(ran.await(20, TimeUnit.SECONDS)).as("loops that ran their body: %d of 200", 200 - ran.getCount()).isTrue();
            assertThat(loops).allMatch(Thread::isAlive);
        } finally {
            for (Thread loop : loops) shutdown(loop);
        }
    }
}
