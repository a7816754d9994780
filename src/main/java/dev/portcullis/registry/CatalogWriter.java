package dev.portcullis.registry;

import dev.portcullis.core.Conflicts;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one writer of the catalog (repositories, tags, manifests) and of the rows that commit with it (the sink's
 * events and activities). One thread takes the writes in the order they were submitted and runs as many as have
 * queued in one transaction, a group commit: a busy sink gets larger batches, not more transactions. With a
 * single writer per database, two of our transactions never hold each other's locks, so they cannot deadlock —
 * by design, not by retry (docs/adr/0004-one-catalog-writer.md). A database shared with others (other replicas,
 * a Galera cluster, which reports a lost certification as a deadlock) may still roll a batch back: it then runs
 * again after a short random pause, and each such rollback is counted.
 */
@ApplicationScoped
public class CatalogWriter {

    private static final Logger LOG = Logger.getLogger(CatalogWriter.class);
    /** Writes per transaction at most: one commit's latency stays small next to the registry's timeout. */
    static final int BATCH = 128;
    static final int ATTEMPTS = 10;
    /** How long a shutdown waits for the writes already queued. */
    static final Duration DRAIN = Duration.ofSeconds(10);

    /**
     * What the writer runs inside its transaction. It may run more than once (a rolled back batch runs again), so
     * it touches nothing but the database; what it returns is handed over only after the commit.
     */
    @FunctionalInterface
    public interface Write<R> {
        R apply(Catalog catalog) throws SQLException;
    }

    /**
     * A write that costs less run together with the writes of its own kind queued next to it (the sink's deliveries:
     * one statement for all their rows instead of one each).
     */
    public interface Joinable<R> extends Write<R> {

        /** Runs {@code writes} (this one first, all of this class, in their order); their results in that order. */
        List<R> applyTogether(Catalog catalog, List<Joinable<R>> writes) throws SQLException;

        @Override
        default R apply(Catalog catalog) throws SQLException {
            return applyTogether(catalog, List.of(this)).get(0);
        }
    }

    private record Queued<R>(Write<R> write, int weight, CompletableFuture<R> result) {
    }

    private final LinkedBlockingQueue<Queued<?>> queue = new LinkedBlockingQueue<>();
    /** Weight (the sink: events) committed per second of the writer's time, smoothed over batches. */
    private volatile double weightPerSecond = 2_000;
    /** When the batch being written began ({@link System#nanoTime()}), or 0 while the writer waits for work. */
    private volatile long batchStarted;
    private Thread thread;
    private volatile boolean stopping;
    private DistributionSummary batches;
    private Timer commits;
    private Counter deadlocks;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @PostConstruct
    void start() {
        meters.gauge("portcullis.catalog.writer.queued", queue, LinkedBlockingQueue::size);
        batches = DistributionSummary.builder("portcullis.catalog.writer.batch")
                .description("Writes committed together by the catalog writer (group commit)").register(meters);
        commits = Timer.builder("portcullis.catalog.writer.commit")
                .description("Time to run and commit one batch of writes").register(meters);
        deadlocks = Counter.builder("portcullis.database.deadlocks")
                .description("Batches rolled back as deadlocked (on Galera: certification lost), each run again")
                .register(meters);
        thread = new Thread(this::run, "catalog-writer");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    /**
     * At shutdown, after the HTTP server has let its requests finish: what is queued still commits (the deliveries
     * waiting on it are answered 2xx), for at most {@link #DRAIN}; anything submitted from now on is refused.
     */
    void stop() throws InterruptedException {
        stopping = true;
        thread.join(DRAIN.toMillis());
        thread.interrupt();
        thread.join(DRAIN.toMillis());
    }

    /**
     * Queues a write; the future completes after its commit. @param weight what it costs, for
     * {@link #weightPerSecond()}
     */
    public <R> CompletableFuture<R> submit(Write<R> write, int weight) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (stopping) {
            result.completeExceptionally(new SQLException("shutting down", "08000"));
            return result;
        }
        queue.add(new Queued<>(write, weight, result));
        return result;
    }

    /** Runs a write and returns after its commit. @throws SQLException when it could not be stored */
    public <R> R write(Write<R> write) throws SQLException {
        return Commits.await(submit(write, 1));
    }

    /** How much weight the writer commits per second of its time, as measured over the last batches. */
    public double weightPerSecond() {
        return weightPerSecond;
    }

    /** How long the writer has been on its current batch (a stalled database shows here first); 0 when idle. */
    public long busyNanos() {
        long started = batchStarted;
        return started == 0 ? 0 : Math.max(1, System.nanoTime() - started);
    }

    private void run() {
        List<Queued<?>> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted() && !(stopping && queue.isEmpty())) {
            try {
                Queued<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                batchStarted = System.nanoTime();
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                LOG.error("catalog writer failed", e);
                batch.forEach(q -> q.result().completeExceptionally(e));
            } finally {
                batchStarted = 0;
                batch.clear();
            }
        }
        for (Queued<?> q; (q = queue.poll()) != null; ) {
            q.result().completeExceptionally(new SQLException("shutting down", "08000"));
        }
    }

    /**
     * One transaction for the whole batch. Should it fail for a reason a retry cannot cure, every write runs again
     * alone, so that only the one at fault fails.
     */
    private void commit(List<Queued<?>> batch) throws InterruptedException {
        long started = System.nanoTime();
        List<Object> results;
        try {
            results = attempt(batch);
        } catch (SQLException | RuntimeException e) {
            if (batch.size() > 1 && Conflicts.isConflict(e)) {
                // Lost every attempt to concurrent writers (on Galera, replicas writing through other nodes):
                // halves write fewer rows, so each certifies more often, and a half that commits is answered.
                int half = batch.size() / 2;
                commit(batch.subList(0, half));
                commit(batch.subList(half, batch.size()));
                return;
            }
            if (batch.size() == 1 || !Commits.someoneAtFault(e)) {
                batch.forEach(q -> q.result().completeExceptionally(e));
                return;
            }
            for (Queued<?> alone : batch) {
                commit(List.of(alone));
            }
            return;
        }
        long elapsed = System.nanoTime() - started;
        batches.record(batch.size());
        commits.record(elapsed, TimeUnit.NANOSECONDS);
        measure(batch, elapsed);
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> void complete(Queued<R> queued, Object result) {
        queued.result().complete((R) result);
    }

    private List<Object> attempt(List<Queued<?>> batch) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction(batch);
            } catch (SQLTransactionRollbackException e) {
                deadlocks.increment();
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.debugf("batch of %s rolled back (%s), attempt %s", (Object) batch.size(), e.getMessage(), attempt);
                Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
            }
        }
    }

    private List<Object> transaction(List<Queued<?>> batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Catalog catalog = new Catalog(connection);
                List<Object> results = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); ) {
                    int end = i + 1;
                    Write<?> first = batch.get(i).write();
                    if (first instanceof Joinable<?>) {
                        while (end < batch.size() && batch.get(end).write().getClass() == first.getClass()) {
                            end++;
                        }
                        results.addAll(together(catalog, batch.subList(i, end)));
                    } else {
                        results.add(first.apply(catalog));
                    }
                    i = end;
                }
                connection.commit();
                return results;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<?> together(Catalog catalog, List<Queued<?>> run) throws SQLException {
        List<Joinable> writes = new ArrayList<>(run.size());
        run.forEach(q -> writes.add((Joinable) q.write()));
        List<?> results = writes.get(0).applyTogether(catalog, (List) writes);
        if (results.size() != run.size()) {
            throw new IllegalStateException(results.size() + " results for " + run.size() + " writes");
        }
        return results;
    }

    private void measure(List<Queued<?>> batch, long nanos) {
        long weight = 0;
        for (Queued<?> q : batch) {
            weight += q.weight();
        }
        if (weight > 0) {
            weightPerSecond = 0.5 * weightPerSecond + 0.5 * (weight * 1e9 / Math.max(nanos, 1));
        }
    }
}
