package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.WebhookReceiver;
import dev.portcullis.testsupport.WebhookReceiver.Mode;
import dev.portcullis.testsupport.WebhookReceiver.Received;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL while webhook deliveries are pending (the receiver failing): after the
 * restart every delivery arrives, none lost, in order, and a delivery seen twice is one whose success was not
 * recorded (the same {@code X-Portcullis-Delivery} id, so the receiver drops it).
 */
class WebhookCrashIT {

    static final Path APP = PackagedJar.APP;
    static final String SECRET = "crash-events-secret";
    static final int EVENTS = 20;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static MariaDbServer database;
    static Path work;
    static Process service;
    static int httpPort;
    static int managementPort;

    @BeforeAll
    static void startDatabase() throws IOException {
        assertTrue(Files.isRegularFile(APP), APP + " is built by mvn package, before the integration tests");
        database = MariaDbServer.start();
        work = Files.createDirectories(Path.of("target/webhook-crash-it/" + UUID.randomUUID().toString().substring(0, 8)));
        httpPort = FreePort.next();
        managementPort = FreePort.next();
    }

    @AfterAll
    static void stopAll() {
        if (service != null) {
            service.destroyForcibly();
        }
        if (database != null) {
            database.stop();
        }
    }

    static Process startService() throws Exception {
        Process process = new PackagedJar(work, work.resolve("portcullis.log"), "data", database.jdbcUrl(),
                database.username(), database.password(), httpPort, managementPort)
                .with("PORTCULLIS_EVENTS_TOKEN", SECRET)
                .with("PORTCULLIS_ADMIN_USERNAME", "admin")
                .with("PORTCULLIS_ADMIN_PASSWORD", "admin-password")
                // The receiver listens on loopback; retries come quickly so the test waits for deliveries, not backoffs.
                .with("PORTCULLIS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true")
                .with("PORTCULLIS_WEBHOOKS_POLL_EVERY", "100ms")
                .with("PORTCULLIS_WEBHOOKS_BACKOFF", "200ms")
                .with("PORTCULLIS_WEBHOOKS_MAX_BACKOFF", "1s")
                .with("PORTCULLIS_WEBHOOKS_MAX_ATTEMPTS", "1000")
                .with("PORTCULLIS_WEBHOOKS_CONNECT_TIMEOUT", "1s")
                .with("PORTCULLIS_WEBHOOKS_REQUEST_TIMEOUT", "2s")
                .start();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            assertTrue(process.isAlive(), () -> "the service exited\n" + log());
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready\n" + log());
    }

    static String log() {
        try {
            String log = Files.readString(work.resolve("portcullis.log"));
            return log.substring(Math.max(0, log.length() - 6000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitCount(String sql, long atLeast) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (count(sql) < atLeast && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertTrue(count(sql) >= atLeast, () -> sql + " never reached " + atLeast + "\n" + log());
    }

    @Test
    void killedWithDeliveriesPendingTheyArriveAfterTheRestartInOrder() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.mode(Mode.FAIL);
            service = startService();
            String admin = "Basic " + Base64.getEncoder().encodeToString("admin:admin-password".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/api/v1/webhooks")).header("Authorization", admin)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"crash\",\"url\":\"" + receiver.url("/crash") + "\",\"events\":[\"push\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created::body);
            List<String> events = new ArrayList<>();
            Instant t = Instant.parse("2026-06-01T00:00:00Z");
            for (int i = 0; i < EVENTS; i++) {
                events.add(SampleEvents.manifestPush("crash-" + i, "crash/app", "t" + i,
                        "sha256:" + "%064x".formatted(i + 1), t.plusSeconds(i)));
            }
            HttpResponse<String> stored = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/v2/webhooks/events"))
                    .header("Authorization", "Bearer " + SECRET).header("Content-Type", SampleEvents.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(SampleEvents.envelope(events))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stored.statusCode() / 100 * 100, stored::body);
            assertEquals(EVENTS, count("SELECT COUNT(*) FROM webhook_deliveries"), "one delivery per push, committed");
            awaitCount("SELECT COUNT(*) FROM webhook_attempts", 3); // the first one is being retried
            service.destroyForcibly().waitFor(); // SIGKILL
            assertEquals(EVENTS, count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'"));

            receiver.mode(Mode.OK);
            service = startService();
            List<Received> all = receiver.await("/crash",
                    r -> r.stream().filter(x -> x.answered() == 204).count() >= EVENTS);
            awaitCount("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'", EVENTS);
            Set<String> delivered = new LinkedHashSet<>();
            List<String> tags = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (Received r : all) {
                if (r.answered() == 204 && delivered.add(r.header("X-Portcullis-Delivery"))) {
                    tags.add(json.readTree(r.body()).at("/data/tag").asText());
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                expected.add("t" + i);
            }
            assertEquals(expected, tags, "every delivery, in the order of the events");
            // Duplicates only where a success was not recorded: at most the one in flight at the kill.
            long successes = all.stream().filter(x -> x.answered() == 204).count();
            assertTrue(successes - EVENTS <= 1, "answered 2xx " + successes + " times for " + EVENTS);
        }
    }
}
