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
 * Debian's nginx (installed when missing) as the TLS-terminating ingress in front of a backend, configured as
 * ingress-nginx configures itself: the client's address in {@code X-Forwarded-For}, the public scheme, host and port
 * in {@code X-Forwarded-Proto}, {@code -Host} and {@code -Port}. Started with a prefix and a configuration of its
 * own, so it never reads or touches the machine's nginx.
 */
public final class NginxProxy implements AutoCloseable {

    /** What one virtual host serves: its certificate, and {@code path → backend port} (longest prefix first). */
    public record Site(String host, TestCa.Issued certificate, Map<String, Integer> backends, boolean largeUploads,
            List<String> directives) {

        public Site(String host, TestCa.Issued certificate, Map<String, Integer> backends, boolean largeUploads) {
            this(host, certificate, backends, largeUploads, List.of());
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path prefix;
    private final int port;
    private final Process process;

    private NginxProxy(Path prefix, int port, List<Site> sites) {
        this.prefix = prefix;
        this.port = port;
        Path nginx = DebianPackages.require("nginx", "nginx");
        try {
            Files.createDirectories(prefix.resolve("logs"));
            Files.writeString(prefix.resolve("nginx.conf"), configuration(sites));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = prefix.resolve("nginx.log");
        process = Processes.start(List.of(nginx.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-g", "daemon off;"), Map.of(), prefix, log);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue()
                        + Processes.describeLog(log) + Processes.describeLog(prefix.resolve("logs/error.log")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("nginx did not listen on " + port + Processes.describeLog(log));
    }

    /** An nginx listening for TLS on a free loopback port for every site given. */
    public static NginxProxy start(Path prefix, List<Site> sites) {
        return new NginxProxy(prefix, FreePort.next(), sites);
    }

    public int port() {
        return port;
    }

    /** nginx's access log: who asked for what, and what the backend answered. */
    public String accessLog() {
        return Processes.read(prefix.resolve("logs/access.log"));
    }

    String configuration(List<Site> sites) {
        StringBuilder conf = new StringBuilder("""
                worker_processes 1;
                user root root;
                error_log %1$s/logs/error.log info;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                """.formatted(prefix));
        for (Site site : sites) {
            conf.append("""
                        server {
                            listen 127.0.0.1:%d ssl;
                            server_name %s;
                            ssl_certificate %s;
                            ssl_certificate_key %s;
                    """.formatted(port, site.host(), site.certificate().certificate(), site.certificate().key()));
            if (site.largeUploads()) {
                // What the chart's registry annotations ask of ingress-nginx: no body limit, no buffering of
                // uploads, long timeouts for slow layers.
                conf.append("""
                                client_max_body_size 0;
                                proxy_request_buffering off;
                                proxy_buffering off;
                                proxy_read_timeout 600s;
                                proxy_send_timeout 600s;
                        """);
            }
            // Directives of the site's own, e.g. what an Ingress's ingress-nginx annotations ask for.
            site.directives().forEach(d -> conf.append("        ").append(d).append(";\n"));
            site.backends().entrySet().stream()
                    .sorted((a, b) -> b.getKey().length() - a.getKey().length())
                    .forEach(route -> conf.append("""
                                    location %s {
                                        proxy_pass http://127.0.0.1:%d;
                                        proxy_http_version 1.1;
                                        proxy_set_header Host $http_host;
                                        proxy_set_header X-Forwarded-For $remote_addr;
                                        proxy_set_header X-Forwarded-Proto https;
                                        proxy_set_header X-Forwarded-Host $host;
                                        proxy_set_header X-Forwarded-Port $server_port;
                                    }
                            """.formatted(route.getKey(), route.getValue())));
            conf.append("    }\n");
        }
        return conf.append("}\n").toString();
    }

    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(10));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
