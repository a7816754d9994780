package dev.portcullis.testsupport.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A small TCP relay, what kube-proxy is to a Service: it listens (on a loopback TCP port or a UNIX socket) and
 * joins each connection to the address {@code target} picks at that moment, or closes it at once when there is
 * none (no ready endpoint: a client sees the connection refused or reset, as with a Service without endpoints).
 * Bytes are copied both ways by two threads per connection; one side's end of stream is passed on as a half close.
 */
final class Relay implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Supplier<SocketAddress> target;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final AtomicLong connections = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private Relay(ServerSocketChannel server, Supplier<SocketAddress> target, String name) {
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::accept, "relay-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay on a free port of 127.0.0.1. */
    static Relay onLoopback(String name, Supplier<SocketAddress> target) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            server.bind(new InetSocketAddress("127.0.0.1", 0), 256);
            return new Relay(server, target, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A relay on the UNIX socket {@code path} (what a pod's side reaches the host through). */
    static Relay onUnixSocket(Path path, Supplier<SocketAddress> target) {
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path), 256);
            return new Relay(server, target, path.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections accepted so far. */
    long connections() {
        return connections.get();
    }

    /** Opens a connection to a TCP or UNIX address. */
    static SocketChannel connect(SocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        try {
            channel.connect(address);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            SocketAddress to = target.get();
            if (to == null) {
                quietly(client);
                continue;
            }
            try {
                SocketChannel upstream = connect(to);
                open.add(client);
                open.add(upstream);
                var done = new java.util.concurrent.atomic.AtomicInteger();
                pump(client, upstream, done);
                pump(upstream, client, done);
            } catch (IOException e) {
                quietly(client);
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, java.util.concurrent.atomic.AtomicInteger done) {
        Thread t = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                done.incrementAndGet(); // a broken side ends both directions
            }
            if (done.incrementAndGet() >= 2) {
                quietly(from);
                quietly(to);
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private void quietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.remove(channel);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(this::quietly);
    }
}
