package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a currently free loopback TCP port, so parallel runs and the machine's own services never clash. */
public final class FreePort {

    private FreePort() {
    }

    /** A port that was free on 127.0.0.1 a moment ago (the usual small race applies). */
    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
        }
    }
}
