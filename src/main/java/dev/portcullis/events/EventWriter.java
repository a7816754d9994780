package dev.portcullis.events;

import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.HttpProblem;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Group commit for the sink: concurrent deliveries queue here and a couple of writers store whatever has queued
 * in one transaction each, so one commit serves many requests. Every request still gets its answer only after
 * the commit that holds its events. A full queue is a fast 503 (the registry retries), never a slow timeout:
 * full in envelopes, or in time: the events accepted already would take longer to write than
 * {@code portcullis.events.max-wait} at the rate the writers achieve (a few large envelopes would otherwise keep
 * every writer busy for longer than the registry waits for an answer).
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);
    static final int WRITERS = 2;
    static final int QUEUE = 2_000;
    static final int BATCH = 64;
    static final long WAIT_SECONDS = 10;
    /** Pending events up to which nothing is refused for taking too long: the most one envelope may hold. */
    static final int ALWAYS_ADMITTED = EnvelopeParser.MAX_EVENTS;

    record Pending(Envelope envelope, int events, CompletableFuture<StoreResult> result) {
    }

    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    /** Events of the deliveries queued or being written: what an accepted delivery waits behind. */
    private final AtomicInteger pendingEvents = new AtomicInteger();
    /** Events per second one writer stores, smoothed over its batches; a modest guess until measured. */
    private volatile double eventsPerSecond = 2_000;
    private final List<Thread> writers = new ArrayList<>();
    private DistributionSummary batches;
    private Timer commits;

    @Inject
    EventStore store;

    @Inject
    MeterRegistry meters;

    @Inject
    PortcullisConfig config;

    @PostConstruct
    void start() {
        for (int i = 0; i < WRITERS; i++) {
            Thread writer = new Thread(this::write, "event-writer-" + i);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
        meters.gauge("portcullis.registry.events.queued", queue, BlockingQueue::size);
        batches = DistributionSummary.builder("portcullis.registry.events.batch")
                .description("Deliveries stored by one commit (group commit)").register(meters);
        commits = Timer.builder("portcullis.registry.events.commit")
                .description("Time to store and commit one batch of deliveries").register(meters);
    }

    @PreDestroy
    void stop() {
        writers.forEach(Thread::interrupt);
    }

    /** Stores the envelope with whatever else is waiting; returns after the commit. */
    public StoreResult store(Envelope envelope) throws SQLException {
        Pending pending = new Pending(envelope, envelope.events().size() + envelope.parked().size(),
                new CompletableFuture<>());
        if (!admit(pending.events())) {
            throw shed();
        }
        if (!queue.offer(pending)) {
            pendingEvents.addAndGet(-pending.events());
            throw shed();
        }
        try {
            return pending.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("storing events failed", e.getCause());
        } catch (TimeoutException e) {
            // The commit may still happen: the registry's retry then finds the events stored, and dedupes.
            throw HttpProblem.unavailable("storing events took too long, retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpProblem.unavailable("shutting down, retry later");
        }
    }

    /** Refuses (503) when any delivery would be refused now, whatever its size: before its body is parsed. */
    public void refuseWhenSaturated() {
        if (tooLong(pendingEvents.get())) {
            throw shed();
        }
    }

    /** Counts the events in unless the backlog would take too long to write; an idle sink takes any envelope. */
    private boolean admit(int events) {
        while (true) {
            int pending = pendingEvents.get();
            if (tooLong(pending + events)) {
                return false;
            }
            if (pendingEvents.compareAndSet(pending, pending + events)) {
                return true;
            }
        }
    }

    /**
     * Conservative: as if one writer wrote them all. Up to one full envelope's worth is always fine: small
     * batches make the measured rate look low (a commit costs the same for one event as for a hundred).
     */
    private boolean tooLong(int events) {
        return events > ALWAYS_ADMITTED && events / eventsPerSecond * 1000 > config.events().maxWait().toMillis();
    }

    private void measure(List<Pending> batch, long nanos) {
        int events = 0;
        for (Pending p : batch) {
            events += p.events();
        }
        if (events > 0) {
            eventsPerSecond = 0.5 * eventsPerSecond + 0.5 * (events * 1e9 / Math.max(nanos, 1));
        }
    }

    private void release(List<Pending> batch) {
        int events = 0;
        for (Pending p : batch) {
            events += p.events();
        }
        pendingEvents.addAndGet(-events);
    }

    private HttpProblem shed() {
        meters.counter("portcullis.registry.events.shed").increment();
        return HttpProblem.unavailable("the sink is saturated, retry later");
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            boolean released = false;
            try {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                List<Envelope> envelopes = new ArrayList<>(batch.size());
                batch.forEach(p -> envelopes.add(p.envelope()));
                List<StoreResult> results = null;
                Exception failure = null;
                long started = System.nanoTime();
                try {
                    batches.record(batch.size());
                    results = store.storeAll(envelopes);
                    long elapsed = System.nanoTime() - started;
                    commits.record(elapsed, TimeUnit.NANOSECONDS);
                    measure(batch, elapsed);
                } catch (SQLException | RuntimeException e) {
                    failure = e;
                }
                // Counted out before anyone hears back: a sender's next delivery never waits behind its last.
                release(batch);
                released = true;
                for (int i = 0; i < batch.size(); i++) {
                    if (failure == null) {
                        batch.get(i).result().complete(results.get(i));
                    } else {
                        batch.get(i).result().completeExceptionally(failure);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                LOG.error("event writer failed", e);
                if (!released) {
                    release(batch);
                }
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            p.result().completeExceptionally(new SQLException("shutting down"));
        }
    }
}
