package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery at volume: every event arrives three times, in differently cut and shuffled envelopes,
 * from 16 concurrent senders, so copies of one event race each other inside and across group commits. The sink
 * must keep each exactly once, with its activity and its tag, and answer every delivery with a 2xx (a shed
 * delivery, 503, is retried as the registry would, and counted).
 */
@QuarkusTest
class DuplicateDeliveriesTest {

    static final int EVENTS = 10_000;
    static final int COPIES = 3;
    static final int SENDERS = 16;
    static final int MAX_ENVELOPE = 20;
    static final Duration DEADLINE = Duration.ofSeconds(120);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void tenThousandEventsDeliveredThreeTimesConcurrentlyAreStoredExactlyOnce() throws Exception {
        String run = "dup" + UUID.randomUUID().toString().substring(0, 8);
        String digest = "sha256:" + (run + "0".repeat(64)).substring(0, 64).replaceAll("[^0-9a-f]", "0");
        Instant base = Instant.parse("2026-11-26T10:00:00Z");
        List<String> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            // 100 repositories: many events of one repository meet in one transaction and contend for its row.
            events.add(SampleEvents.manifestPush(run + "-" + i, run + "/r" + i % 100, "t" + i, digest,
                    base.plusMillis(i)));
        }
        List<String> envelopes = SampleEvents.shuffledEnvelopes(events, COPIES, MAX_ENVELOPE, new Random(42));

        RegistryLikeSender sender = new RegistryLikeSender(
                "http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events", "test-events-secret",
                Duration.ofSeconds(3));
        Instant deadline = Instant.now().plus(DEADLINE);
        long started = System.nanoTime();
        List<RegistryLikeSender.Attempt> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<RegistryLikeSender.Attempt>> futures = new ArrayList<>();
            for (String envelope : envelopes) {
                futures.add(pool.submit(() -> sender.deliver(envelope, deadline)));
            }
            for (Future<RegistryLikeSender.Attempt> f : futures) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        long stored = 0;
        long duplicates = 0;
        for (RegistryLikeSender.Attempt a : answers) {
            assertEquals(200, a.status(), a.body());
            stored += number(a.body(), "stored");
            duplicates += number(a.body(), "duplicates");
        }
        System.out.printf(Locale.ROOT, "duplicates: %d events x %d copies in %d envelopes, %d senders: %d ms"
                + " (%.0f deliveries/s); %s; answers said stored %d, duplicates %d%n", EVENTS, COPIES,
                envelopes.size(), SENDERS, millis, envelopes.size() * 1000.0 / millis, sender.summary(), stored,
                duplicates);

        // A refusal may only be the sink shedding load (a full queue: 503 with Retry-After), or, on a machine too
        // busy to answer within the sender's 3 s, a timeout the registry retries like a 503 (how fast the machine
        // is, not what the sink does: the counts below still hold). Not a 500, a 4xx, nor a 503 because storing
        // failed: racing copies of one event must not fail a commit.
        for (RegistryLikeSender.Attempt refused : sender.refusals()) {
            if (refused.status() == RegistryLikeSender.TIMED_OUT) {
                continue;
            }
            assertEquals(503, refused.status(), refused.body());
            assertEquals("1", refused.retryAfter());
            assertTrue(refused.body().contains("saturated"), refused.body());
        }
        String like = run + "/%";
        assertEquals(EVENTS, count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?", like));
        assertEquals(EVENTS, count("SELECT COUNT(DISTINCT event_id) FROM registry_events WHERE repository LIKE ?", like));
        assertEquals(EVENTS, count("SELECT COUNT(*) FROM activities WHERE repository LIKE ?", like));
        assertEquals(EVENTS, count("SELECT COUNT(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                + " WHERE r.name LIKE ?", like));
        // The answers agree with the table: each event was reported new exactly once. (A delivery refused after
        // its commit, e.g. on a timeout, would report it as a duplicate on retry: only then may the sum be lower.)
        if (sender.retries() == 0) {
            assertEquals(EVENTS, stored);
            assertEquals((long) EVENTS * (COPIES - 1), duplicates);
        } else {
            assertTrue(stored <= EVENTS, "stored " + stored);
        }
    }

    static long number(String json, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), () -> field + " missing in " + json);
        return Long.parseLong(m.group(1));
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }
}
