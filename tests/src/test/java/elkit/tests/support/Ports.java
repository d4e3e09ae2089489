package elkit.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 that misbehave on purpose, for the "server does not answer" tests. */
public final class Ports {
    private Ports() {}

    /** A port nothing listens on: a connection is refused at once. */
    public static int closed() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port that accepts TCP connections (the kernel completes the handshake) but never says a word:
     * what a hung server or a wrong service looks like. Close it after the test.
     */
    public static ServerSocket silent() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether something accepts a TCP connection on 127.0.0.1:{@code port} within a second. */
    public static boolean accepts(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
