package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Sink throughput: sustained events/s into MariaDB with 16 concurrent senders, envelopes of 1 and of 10 events, of
 * blob pushes (an event row only) and of manifest pushes by tag into ten repositories (the path users take: an
 * event, an activity, the repository and its tag), the stored count checked against the sent count, and the
 * deadlocks InnoDB counted meanwhile; reference: the same event rows inserted with plain JDBC into the same
 * MariaDB, 16 threads, one transaction per envelope's worth. Run with {@code bench/events.sh}.
 */
@QuarkusTest
class EventsThroughputBench {

    static final int SENDERS = Integer.getInteger("bench.senders", 16);
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    /** The JIT compiles the HTTP stack, Jackson and the store in the first seconds: measure after that. */
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 5));

    @Inject
    AgroalDataSource dataSource;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4)).build();

    /** What the events are: blob pushes, or manifest pushes by tag. */
    enum Kind { BLOB, MANIFEST }

    @Test
    void eventsPerSecond() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int size : new int[] {1, 10}) {
                sink(kind, size, "warmup" + size + "-" + UUID.randomUUID().toString().substring(0, 8), WARMUP);
                double reference = jdbc(size);
                String run = "bench" + size + "-" + UUID.randomUUID().toString().substring(0, 8);
                long deadlocks = innodbDeadlocks();
                var batches = meters.summary("portcullis.catalog.writer.batch");
                var commits = meters.timer("portcullis.catalog.writer.commit");
                long batchCount = batches.count();
                double batchTotal = batches.totalAmount();
                double commitMs = commits.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
                long[] sent = sink(kind, size, run, MEASURE);
                deadlocks = innodbDeadlocks() - deadlocks;
                System.out.printf(Locale.ROOT, "%s %d event(s): %.1f deliveries per commit, %.2f ms per batch%n",
                        kind.name().toLowerCase(Locale.ROOT), size,
                        (batches.totalAmount() - batchTotal) / (batches.count() - batchCount),
                        (commits.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) - commitMs) / (commits.count() - batchCount));
                long stored = count("SELECT COUNT(*) FROM registry_events WHERE event_id LIKE '" + run + "%'");
                double perSecond = sent[0] / (double) MEASURE.toSeconds();
                lines.add(String.format(Locale.ROOT, "%-8s %-14s %12.0f %12.0f %8.2f %10d %10d %8d %9d",
                        kind.name().toLowerCase(Locale.ROOT), size + " event(s)", perSecond, reference, perSecond / reference,
                        sent[0], stored, sent[1], deadlocks));
                assertEquals(sent[0], stored, "every event sent with a 2xx answer is stored exactly once");
            }
        }
        System.out.printf(Locale.ROOT, "%n%s %s, %d senders, %d s each%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), SENDERS, MEASURE.toSeconds());
        System.out.printf(Locale.ROOT, "%-8s %-14s %12s %12s %8s %10s %10s %8s %9s%n", "events", "envelope",
                "sink ev/s", "jdbc ev/s", "ratio", "sent", "stored", "errors", "deadlocks");
        lines.forEach(System.out::println);
        System.out.println("goals: ratio >= 0.5 for each envelope size, and never below 2,000 events/s");
    }

    /** Events posted through the sink: {sent and acknowledged, errors}. */
    long[] sink(Kind kind, int size, String run, Duration duration) throws Exception {
        String url = "http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events";
        AtomicLong sequence = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        long end = System.nanoTime() + duration.toNanos();
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < size; i++) {
                        long n = sequence.incrementAndGet();
                        body.append(i > 0 ? "," : "").append(kind == Kind.BLOB ? event(run + "-" + n, n)
                                : manifestEvent(run + "-" + n, run, n));
                    }
                    body.append("]}");
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer test-events-secret")
                            .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        acknowledged.addAndGet(size);
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : senders) {
            f.get();
        }
        pool.shutdown();
        return new long[] {acknowledged.get(), errors.get()};
    }

    static String event(String id, long n) {
        return "{\"id\":\"" + id + "\",\"timestamp\":\"" + Instant.now() + "\",\"action\":\"push\",\"target\":{"
                + "\"mediaType\":\"application/octet-stream\",\"size\":1234,\"digest\":\"sha256:" + String.format("%064x", n)
                + "\",\"repository\":\"bench/events\",\"url\":\"http://r/v2/bench/events/blobs/x\"},"
                + "\"request\":{\"id\":\"r\",\"addr\":\"127.0.0.1:1\",\"host\":\"r\",\"method\":\"PUT\",\"useragent\":\"bench\"},"
                + "\"actor\":{\"name\":\"bench\"},\"source\":{\"addr\":\"r:5000\",\"instanceID\":\"i\"}}";
    }

    /** A manifest push by tag, into one of ten repositories: an event, an activity, a repository and a tag. */
    static String manifestEvent(String id, String run, long n) {
        String repository = "bench/" + run + "-" + n % 10;
        return "{\"id\":\"" + id + "\",\"timestamp\":\"" + Instant.now() + "\",\"action\":\"push\",\"target\":{"
                + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":418,\"digest\":\"sha256:"
                + String.format("%064x", n) + "\",\"repository\":\"" + repository + "\",\"url\":\"http://r/v2/"
                + repository + "/manifests/sha256:" + String.format("%064x", n) + "\",\"tag\":\"t" + n + "\"},"
                + "\"request\":{\"id\":\"r\",\"addr\":\"127.0.0.1:1\",\"host\":\"r\",\"method\":\"PUT\",\"useragent\":\"bench\"},"
                + "\"actor\":{\"name\":\"bench\"},\"source\":{\"addr\":\"r:5000\",\"instanceID\":\"i\"}}";
    }

    long innodbDeadlocks() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"); ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(2) : -1;
        }
    }

    /** The reference: the same rows by plain JDBC, 16 threads, one transaction per envelope's worth. */
    double jdbc(int size) throws Exception {
        String run = "jdbc" + size + "-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicLong sequence = new AtomicLong();
        AtomicLong inserted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        long end = System.nanoTime() + MEASURE.toNanos();
        List<Future<?>> writers = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            writers.add(pool.submit(() -> {
                try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("""
                        INSERT IGNORE INTO registry_events (event_id, occurred_at, action, repository, digest, media_type,
                          size, url, actor, request_id, request_addr, request_host, request_method, user_agent,
                          source_addr, source_instance) VALUES (?, ?, 'push', 'bench/events', ?,
                          'application/octet-stream', 1234, 'http://r/v2/bench/events/blobs/x', 'bench', 'r',
                          '127.0.0.1:1', 'r', 'PUT', 'bench', 'r:5000', 'i')""")) {
                    c.setAutoCommit(false);
                    while (System.nanoTime() < end) {
                        for (int i = 0; i < size; i++) {
                            long n = sequence.incrementAndGet();
                            insert.setString(1, run + "-" + n);
                            insert.setTimestamp(2, Timestamp.from(Instant.now()));
                            insert.setString(3, "sha256:" + String.format("%064x", n));
                            insert.executeUpdate();
                        }
                        c.commit();
                        inserted.addAndGet(size);
                    }
                    c.setAutoCommit(true);
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get();
        }
        pool.shutdown();
        return inserted.get() / (double) MEASURE.toSeconds();
    }

    long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
