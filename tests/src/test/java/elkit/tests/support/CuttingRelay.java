package elkit.tests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a server that closes a connection once the server has sent
 * more than {@code limit} bytes on it: small calls pass, a large download is cut off midway. With
 * {@code deafAfterCut} it also stops listening after that, and nobody answers any more: a network
 * that dies midway through a download.
 */
public final class CuttingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final long limit;
    private final boolean deafAfterCut;
    private final AtomicInteger cuts = new AtomicInteger();

    public CuttingRelay(int target, long limit, boolean deafAfterCut) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.limit = limit;
        this.deafAfterCut = deafAfterCut;
        daemon(this::accept);
    }

    /** A relay that keeps relaying new connections after a cut. */
    public CuttingRelay(int target, long limit) throws IOException {
        this(target, limit, false);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many connections it has cut. */
    public int cuts() {
        return cuts.get();
    }

    private static void daemon(Runnable task) {
        var thread = new Thread(task, "cutting-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                daemon(() -> pump(client, server, Long.MAX_VALUE));
                daemon(() -> pump(server, client, limit));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, long max) {
        long sent = 0;
        byte[] buffer = new byte[16 * 1024];
        try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (sent + n > max) {
                    out.write(buffer, 0, (int) (max - sent));
                    out.flush();
                    cuts.incrementAndGet();
                    if (deafAfterCut) listener.close();
                    return; // closes both sockets: the client sees the body end early
                }
                out.write(buffer, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            // the other direction closed the sockets
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
