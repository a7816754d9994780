package dev.portcullis.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A webhook receiver on a free loopback port (the JDK's HTTP server) that answers as the test says: 2xx, 5xx,
 * not at all for longer than the sender waits (hang), or is down (stopped; started again on the same port).
 * It keeps every request it was sent, with the answer it gave.
 */
public final class WebhookReceiver implements AutoCloseable {

    public enum Mode { OK, FAIL, HANG }

    /** One request as received; {@code answered} the status it got (0: hung up on). */
    public record Received(String path, Map<String, String> headers, byte[] body, int answered) {

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.OK;
    private HttpServer server;

    public WebhookReceiver() {
        this.port = FreePort.next();
        start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            Mode now = mode;
            if (now == Mode.HANG) {
                received.add(new Received(exchange.getRequestURI().getPath(), headers, body, 0));
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            int status = now == Mode.OK ? 204 : 503;
            received.add(new Received(exchange.getRequestURI().getPath(), headers, body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    /** Down: connections are refused until {@link #start()}. */
    public synchronized void stop() {
        server.stop(0);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits, bounded, until the requests to {@code path} satisfy {@code wanted}. */
    public List<Received> await(String path, Predicate<List<Received>> wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!wanted.test(received(path)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        List<Received> now = received(path);
        if (!wanted.test(now)) {
            throw new AssertionError("gave up waiting for requests to " + path + ": " + now.size() + " so far");
        }
        return now;
    }

    @Override
    public void close() {
        stop();
    }
}
