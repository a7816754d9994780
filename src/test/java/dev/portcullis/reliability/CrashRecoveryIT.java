package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.Rows;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app}) killed with SIGKILL in the middle of a stream of event
 * deliveries, twice, and started again each time: every event that got a 2xx is stored (a 2xx is only sent
 * after the commit), nothing is stored twice, the events and the rows derived from them agree (one commit for
 * both), and the service is ready again without any repair: no Flyway repair, no stuck queue. The senders behave
 * like the registry: a refused connection, a 5xx or a timeout is retried with the same envelope until accepted.
 */
class CrashRecoveryIT {

    static final Path APP = PackagedJar.APP;
    static final String SECRET = "crash-events-secret";
    static final int SENDERS = 8;
    static final int ENVELOPES = 3_000;
    static final int MAX_ENVELOPE = 10;
    static final int CRASHES = 2;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(240);

    static MariaDbServer database;
    static Path work;
    static Process service;
    static int httpPort;
    static int managementPort;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @BeforeAll
    static void startDatabase() throws IOException {
        assertTrue(Files.isRegularFile(APP), APP + " is built by mvn package, before the integration tests");
        database = MariaDbServer.start();
        work = Files.createDirectories(Path.of("target/crash-it/" + UUID.randomUUID().toString().substring(0, 8)));
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

    /** {@code java -jar quarkus-run.jar} with the settings an operator gives, on the ports chosen once. */
    static Process startService() throws IOException {
        return new PackagedJar(work, work.resolve("portcullis.log"), "data", database.jdbcUrl(), database.username(),
                database.password(), httpPort, managementPort)
                .with("PORTCULLIS_EVENTS_TOKEN", SECRET)
                .start();
    }

    /** Milliseconds until {@code /q/health/ready} says UP; fails with the log when it does not in time. */
    static long awaitReady(Process process) throws Exception {
        long started = System.nanoTime();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() - started < READY_TIMEOUT.toNanos()) {
            assertTrue(process.isAlive(), () -> "the service exited with " + process.exitValue() + "\n" + log());
            try {
                HttpResponse<String> answer = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return (System.nanoTime() - started) / 1_000_000;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + log());
    }

    static String log() {
        try {
            String log = Files.readString(work.resolve("portcullis.log"));
            return log.substring(Math.max(0, log.length() - 6000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void killedMidStreamTheServiceLosesNothingStoresNothingTwiceAndComesBackReady() throws Exception {
        service = startService();
        long firstStartMillis = awaitReady(service);

        String run = "crash" + UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(7);
        List<List<String>> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        int total = 0;
        Instant at = Instant.parse("2026-11-26T14:00:00Z");
        for (int e = 0; e < ENVELOPES; e++) {
            int size = 1 + random.nextInt(MAX_ENVELOPE);
            List<String> envelopeIds = new ArrayList<>();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < size; i++, total++) {
                String id = run + "-" + total;
                envelopeIds.add(id);
                events.add(SampleEvents.manifestPush(id, run + "/r" + total % 200, "t" + total,
                        "sha256:" + "3".repeat(64), at.plusMillis(total)));
            }
            ids.add(envelopeIds);
            bodies.add(SampleEvents.envelope(events));
        }

        RegistryLikeSender sender = new RegistryLikeSender("http://127.0.0.1:" + httpPort + "/v2/webhooks/events",
                SECRET, Duration.ofSeconds(3));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        Instant deadline = Instant.now().plus(STREAM_TIMEOUT);
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Long> readyMillis = new ArrayList<>();
        List<Integer> ackedAtKill = new ArrayList<>();
        List<Integer> inFlightAtKill = new ArrayList<>();
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                senders.add(pool.submit(() -> {
                    for (int e = next.getAndIncrement(); e < ENVELOPES; e = next.getAndIncrement()) {
                        sender.deliver(bodies.get(e), deadline);
                        acknowledged.addAll(ids.get(e));
                    }
                    return null;
                }));
            }
            for (int crash = 1; crash <= CRASHES; crash++) {
                // Mid-stream: a third, then two thirds, of the events acknowledged.
                int target = total * crash / (CRASHES + 1);
                while (acknowledged.size() < target) {
                    assertTrue(Instant.now().isBefore(deadline), "stream stalled: " + sender.summary());
                    Thread.sleep(20);
                }
                inFlightAtKill.add(sender.inFlight());
                service.destroyForcibly(); // SIGKILL: no shutdown hook, no draining
                assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the service did not die");
                Set<String> acked = new HashSet<>(acknowledged);
                ackedAtKill.add(acked.size());
                // Nothing can commit any more: whatever got a 2xx must be in the database already.
                Set<String> stored = storedIds(run);
                Set<String> lost = new HashSet<>(acked);
                lost.removeAll(stored);
                assertEquals(Set.of(), lost, "acknowledged but not stored after crash " + crash);

                service = startService();
                readyMillis.add(awaitReady(service));
            }
            for (Future<?> f : senders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        System.out.printf(Locale.ROOT, "crash: %d events in %d envelopes, %d senders; first start ready in %d ms;"
                + " killed at %s acknowledged events with %s deliveries in flight; ready again %s ms after each"
                + " restart; %s%n", total, ENVELOPES, SENDERS, firstStartMillis, ackedAtKill, inFlightAtKill,
                readyMillis, sender.summary());

        assertEquals(total, acknowledged.size());
        assertEquals(total, count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?", run + "/%"));
        assertEquals(total, count("SELECT COUNT(DISTINCT event_id) FROM registry_events WHERE repository LIKE ?",
                run + "/%"));
        // The rows derived in the same commit: never an event without its activity and its tag, nor the reverse.
        assertEquals(total, count("SELECT COUNT(*) FROM activities WHERE repository LIKE ?", run + "/%"));
        assertEquals(total, count("SELECT COUNT(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                + " WHERE r.name LIKE ?", run + "/%"));
        assertEquals(total, count("SELECT SUM(tag_count) FROM repositories WHERE name LIKE ?", run + "/%"));
        // The senders really were cut off: connections refused or answers lost while the service was down.
        assertTrue(sender.retries() > 0, sender.summary());
        for (RegistryLikeSender.Attempt a : sender.refusals()) {
            assertTrue(a.status() == RegistryLikeSender.CONNECTION_FAILED || a.status() == RegistryLikeSender.TIMED_OUT
                    || a.status() == 503, () -> a.status() + " " + a.body());
        }
        // Flyway saw no failed or pending migration: nothing for an operator to repair.
        assertEquals(0, count("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 0"));
    }

    static Set<String> storedIds(String run) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT event_id FROM registry_events WHERE repository LIKE ?")) {
            s.setString(1, run + "/%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static long count(String sql, Object... args) throws Exception {
        try (Connection c = database.connect()) {
            return Rows.count(c, sql, args);
        }
    }
}
