package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.registry.CatalogWriter;
import dev.portcullis.testsupport.HeldWriter;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A flood while the database stalls: the catalog writer is held on one batch (as a stalled disk or a lock wait
 * would hold it), and 64 registries deliver envelopes of 200 events as fast as they are answered. The sink must say
 * at once that it cannot take more (503 with Retry-After, before it even parses the body) instead of answering
 * after the registry gave up; what it accepted it stores once the writer moves on. Each sender behaves like
 * distribution's retrying sink: the same envelope again until accepted, and 1 s of backoff after 5 failures in a
 * row, and gives up on an attempt after its timeout (3 s, as in our documented config). Nothing here depends on
 * how fast the machine is: the refusals must come while the writer is still held.
 */
@QuarkusTest
class OverloadTest {

    static final int SENDERS = 64;
    static final int EVENTS_PER_ENVELOPE = 200;
    static final int ENVELOPES = 600;
    /** How many refusals show that the sink refuses instead of queueing; each sender sees some. */
    static final int REFUSALS = SENDERS;
    static final Duration PATIENCE = Duration.ofSeconds(120);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CatalogWriter writer;

    @Test
    void aFloodedSinkRefusesAtOnceAndStoresWhatItAccepts() throws Exception {
        String run = "ovl" + UUID.randomUUID().toString().substring(0, 8);
        String digest = "sha256:" + "2".repeat(64);
        Instant at = Instant.parse("2026-11-26T12:00:00Z");
        List<String> bodies = new ArrayList<>(ENVELOPES);
        for (int e = 0; e < ENVELOPES; e++) {
            List<String> events = new ArrayList<>(EVENTS_PER_ENVELOPE);
            for (int i = 0; i < EVENTS_PER_ENVELOPE; i++) {
                int n = e * EVENTS_PER_ENVELOPE + i;
                events.add(SampleEvents.blobPull(run + "-" + n, run + "/r" + n % 50, digest, at.plusMillis(n)));
            }
            bodies.add(SampleEvents.envelope(events));
        }
        RegistryLikeSender sender = new RegistryLikeSender(
                "http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events", "test-events-secret", TIMEOUT);

        HeldWriter held = HeldWriter.hold(writer);

        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        AtomicLong acceptedEvents = new AtomicLong();
        AtomicInteger refusedWhileHeld = new AtomicInteger();
        List<RegistryLikeSender.Attempt> accepted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                senders.add(pool.submit(() -> {
                    int failures = 0;
                    int envelope = next.getAndIncrement();
                    while (!stop.get() && envelope < ENVELOPES) {
                        RegistryLikeSender.Attempt a = sender.post(bodies.get(envelope));
                        if (a.accepted()) {
                            accepted.add(a);
                            acceptedEvents.addAndGet(EVENTS_PER_ENVELOPE);
                            failures = 0;
                            envelope = next.getAndIncrement();
                        } else {
                            if (!released.get() && a.status() == 503) {
                                refusedWhileHeld.incrementAndGet();
                            }
                            if (++failures >= 5) {
                                failures = 0;
                                Thread.sleep(1000);
                            }
                        }
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (refusedWhileHeld.get() < REFUSALS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            released.set(true);
            held.release();
            // The writer moves on: the senders go on until every envelope was accepted.
            for (Future<?> f : senders) {
                f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            held.close();
            pool.shutdownNow();
        }
        List<RegistryLikeSender.Attempt> refused = sender.refusals();
        System.out.printf(Locale.ROOT, "overload: %d senders x %d-event envelopes, writer held: %d refused while held;"
                + " %d events accepted; %s; accepted p50 %d p99 %d ms; refused p50 %d p99 %d ms%n", SENDERS,
                EVENTS_PER_ENVELOPE, refusedWhileHeld.get(), acceptedEvents.get(), sender.summary(),
                RegistryLikeSender.percentileMillis(accepted, 50), RegistryLikeSender.percentileMillis(accepted, 99),
                RegistryLikeSender.percentileMillis(refused, 50), RegistryLikeSender.percentileMillis(refused, 99));

        // Refused while the writer was still held: a refusal never waits for the writer.
        assertTrue(refusedWhileHeld.get() >= REFUSALS, "refused while the writer was held: " + refusedWhileHeld.get()
                + "; " + sender.summary());
        // Every refusal is a 503 the registry understands, never an error or a dropped connection. Deliveries the
        // sink took before it noticed the stall wait for the writer; the registry gives up on those after its
        // timeout, and retries them.
        for (RegistryLikeSender.Attempt a : refused) {
            if (a.status() == RegistryLikeSender.TIMED_OUT) {
                continue;
            }
            assertEquals(503, a.status(), a.body());
            assertEquals("1", a.retryAfter());
            assertTrue(a.body().contains("saturated"), a.body());
        }
        // Every envelope was accepted in the end, and what was accepted is stored, once (a delivery the registry
        // gave up on may have committed after all: its retry then finds the events stored).
        assertEquals((long) ENVELOPES * EVENTS_PER_ENVELOPE, acceptedEvents.get());
        assertEquals(acceptedEvents.get(), count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?",
                run + "/%"));
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }
}
