package dev.portcullis.events;

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
import org.jboss.logging.Logger;

/**
 * Group commit for the sink: concurrent deliveries queue here and a couple of writers store whatever has queued
 * in one transaction each, so one commit serves many requests. Every request still gets its answer only after
 * the commit that holds its events. A full queue is a fast 503 (the registry retries), never a slow timeout.
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);
    static final int WRITERS = 2;
    static final int QUEUE = 2_000;
    static final int BATCH = 64;
    static final long WAIT_SECONDS = 10;

    record Pending(Envelope envelope, CompletableFuture<StoreResult> result) {
    }

    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
    private final List<Thread> writers = new ArrayList<>();
    private DistributionSummary batches;
    private Timer commits;

    @Inject
    EventStore store;

    @Inject
    MeterRegistry meters;

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
        Pending pending = new Pending(envelope, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            meters.counter("portcullis.registry.events.shed").increment();
            throw HttpProblem.unavailable("the sink is saturated, retry later");
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

    private void write() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, BATCH - 1);
                List<Envelope> envelopes = new ArrayList<>(batch.size());
                batch.forEach(p -> envelopes.add(p.envelope()));
                try {
                    batches.record(batch.size());
                    long started = System.nanoTime();
                    List<StoreResult> results = store.storeAll(envelopes);
                    commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).result().complete(results.get(i));
                    }
                } catch (SQLException | RuntimeException e) {
                    batch.forEach(p -> p.result().completeExceptionally(e));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                LOG.error("event writer failed", e);
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
