package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * ELKit's replacement for rapaio-jupyter-kernel 3.0.1's LoopThread, written from its public signature; the
 * notebooks module puts it into the kernel jar it copies (notebooks/pom.xml, execution "kernel-fix").
 *
 * <p>Two start-up races made about one kernel start in three hang or die on a busy machine:
 * <ul>
 *   <li>the original set {@code running = true} after {@code Thread.start()}, so a thread scheduled at once saw
 *       {@code false} and ended before its first loop: a channel (control, stdin, iopub or shell) that never reads.
 *       Jupyter then waits for a kernel_info reply forever ("Timeout waiting for kernel_info reply");</li>
 *   <li>the kernel starts its channels before it sets their message handlers, so a request that arrives first
 *       throws a NullPointerException, which ended the shell thread for good. Here the loop logs it and goes
 *       on: that one request is lost, and the client's next kernel_info request (clients repeat it until
 *       answered) gets its reply.</li>
 * </ul>
 */
public final class LoopThread extends Thread {

    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, getName() + ": a message failed and was dropped; the channel goes on", e);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    /** Running before the thread exists, so its first look at the flag always sees it set. */
    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
