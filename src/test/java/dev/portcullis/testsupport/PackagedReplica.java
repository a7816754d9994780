package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One replica of the packaged service ({@code target/quarkus-app/quarkus-run.jar}, built by {@code mvn package})
 * as a process on free loopback ports, with the settings an operator gives: its JDBC URL, and the secrets every
 * replica shares (events token, tokens hash key, admin).
 */
public final class PackagedReplica {

    public static final Path APP = PackagedJar.APP;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path work;
    private final String jdbcUrl;
    private final Map<String, String> settings;
    private final int httpPort = FreePort.next();
    private final int managementPort = FreePort.next();
    private Process process;

    public PackagedReplica(String name, Path work, String jdbcUrl, Map<String, String> settings) {
        this.name = name;
        this.work = work;
        this.jdbcUrl = jdbcUrl;
        this.settings = settings;
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public synchronized void start() {
        PackagedJar jar = new PackagedJar(work, work.resolve(name + ".log"), name + "-data", jdbcUrl,
                MariaDbServer.USERNAME, MariaDbServer.PASSWORD, httpPort, managementPort).with(settings);
        try {
            process = jar.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds until readiness says UP. */
    public long awaitReady() throws InterruptedException {
        long started = System.nanoTime();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() - started < READY_TIMEOUT.toNanos()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + log());
            }
            try {
                HttpResponse<String> answer = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return (System.nanoTime() - started) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + log());
    }

    /** SIGKILL: no shutdown hook, no draining. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die");
            }
        }
    }

    public String log() {
        try {
            String log = Files.readString(work.resolve(name + ".log"));
            return log.substring(Math.max(0, log.length() - 6000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
