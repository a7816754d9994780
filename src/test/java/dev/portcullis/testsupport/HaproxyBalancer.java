package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's haproxy (installed when missing) balancing HTTP round robin over several replicas, as a Kubernetes
 * Service spreads connections over ready pods: each backend is checked on its readiness endpoint (management port)
 * every 500 ms, taken out after two failed checks and back after two good ones. haproxy itself retries nothing but
 * a refused connection, so a 503 reaches the client (the registry), which retries, and round robin sends the retry
 * to the other replica. Its own configuration and pid file in a private directory; never the machine's haproxy.
 */
public final class HaproxyBalancer implements AutoCloseable {

    /** One replica: its HTTP port and its management port (readiness). */
    public record Backend(int httpPort, int managementPort) {
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final Process process;

    private HaproxyBalancer(Path relativeOrAbsolute, int port, List<Backend> backends) {
        // haproxy runs in that directory: a relative path to its configuration would be resolved twice.
        Path dir = relativeOrAbsolute.toAbsolutePath();
        this.dir = dir;
        this.port = port;
        Path haproxy = DebianPackages.require("haproxy", "haproxy");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("haproxy.cfg"), configuration(port, backends));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = dir.resolve("haproxy.log");
        process = Processes.start(List.of(haproxy.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString()),
                Map.of(), dir, log);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + Processes.describeLog(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(100));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("haproxy did not listen on " + port + Processes.describeLog(log));
    }

    public static HaproxyBalancer start(Path dir, List<Backend> backends) {
        return new HaproxyBalancer(dir, FreePort.next(), backends);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    static String configuration(int port, List<Backend> backends) {
        StringBuilder b = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 60s
                    timeout server 60s
                    # A refused connection (a replica just killed) is tried on another replica; nothing else is.
                    retries 2
                    option redispatch
                    retry-on conn-failure
                frontend portcullis
                    bind 127.0.0.1:%d
                    default_backend replicas
                backend replicas
                    balance roundrobin
                    option httpchk GET /q/health/ready
                    http-check expect status 200
                """.formatted(port));
        for (int i = 0; i < backends.size(); i++) {
            Backend backend = backends.get(i);
            b.append("    server r").append(i + 1).append(" 127.0.0.1:").append(backend.httpPort())
                    .append(" check port ").append(backend.managementPort()).append(" inter 500 fall 2 rise 2\n");
        }
        return b.toString();
    }

    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(5));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
