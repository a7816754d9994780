package dev.portcullis.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code prometheus} on a free loopback port, scraping one target's {@code /q/metrics} every
 * {@code interval}, with its TSDB and its log ({@code prometheus.log}) in the work dir. Close it (or let the
 * shutdown hook do it) to stop the process; the work dir is kept for a failure's post-mortem.
 */
public final class PrometheusProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile Process process;

    private PrometheusProcess(Path workDir, int port) {
        this.workDir = workDir;
        this.port = port;
        this.log = workDir.resolve("prometheus.log");
        // A crashed test JVM must not leave Prometheus running.
        this.shutdownHook = new Thread(this::kill, "prometheus-" + port + "-shutdown");
    }

    /**
     * Writes {@code <workDir>/prometheus.yml}, starts Prometheus and waits until it is ready.
     *
     * @param target {@code host:port} of the management interface to scrape (job {@code portcullis})
     */
    public static PrometheusProcess start(Path workDir, String target, Duration interval) {
        Path binary = DebianPackages.require("prometheus", "prometheus");
        Path dir = workDir.toAbsolutePath();
        PrometheusProcess prometheus = new PrometheusProcess(dir, FreePort.next());
        Path config = dir.resolve("prometheus.yml");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(config, configYaml(target, interval), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Prometheus work dir " + dir, e);
        }
        Runtime.getRuntime().addShutdownHook(prometheus.shutdownHook);
        try {
            prometheus.process = Processes.start(List.of(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--storage.tsdb.retention.time=1h",
                    "--web.listen-address=127.0.0.1:" + prometheus.port), Map.of(), dir, prometheus.log);
            prometheus.awaitReady();
        } catch (RuntimeException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    static String configYaml(String target, Duration interval) {
        String every = interval.toMillis() + "ms";
        return """
                global:
                  scrape_interval: %s
                  scrape_timeout: %s
                  evaluation_interval: %s
                scrape_configs:
                  - job_name: portcullis
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["%s"]
                """.formatted(every, every, every, target);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path workDir() {
        return workDir;
    }

    /** Prometheus's output so far (scrape errors are in the targets API, not here). */
    public String log() {
        return Processes.read(log);
    }

    /** {@code GET /api/v1/query}: the answer's {@code data.result}, one entry per series. */
    public JsonNode query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalStateException("query " + promql + " failed: " + answer);
        }
        return answer.path("data").path("result");
    }

    /** {@code GET /api/v1/targets}: health and last error of every scrape target. */
    public JsonNode targets() {
        return get("/api/v1/targets").path("data").path("activeTargets");
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus did not answer " + pathAndQuery + Processes.describeLog(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking Prometheus", e);
        }
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    private void kill() {
        Process p = process;
        process = null;
        Processes.terminate(p, STOP_GRACE);
    }

    private void awaitReady() {
        new HttpReadiness("prometheus", () -> process, log).until(URI.create(url() + "/-/ready"), READY_TIMEOUT,
                Duration.ofMillis(200), status -> status == 200);
    }

    @Override
    public String toString() {
        return "PrometheusProcess[" + url() + ", dir=" + workDir + "]";
    }
}
