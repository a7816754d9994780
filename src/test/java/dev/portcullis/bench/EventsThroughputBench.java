package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.MariaDbTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sink throughput: sustained events/s into MariaDB with 16 and with 32 concurrent senders, envelopes of 1 and of 10
 * events (distribution 3.x sends one event per request), of blob pushes (an event row only) and of manifest pushes
 * by tag into one repository and into 1,000 (the path users take: an event, an activity, the repository and its
 * tag), the stored count checked against the acknowledged count, and the deadlocks InnoDB counted meanwhile;
 * reference: the same event rows inserted with plain JDBC into the same MariaDB by as many threads, one
 * transaction per envelope's worth. Beside each figure, the CPU time per stored event of the service (this JVM's
 * threads but the load generator's, from {@code /proc} and the thread CPU clock) and of MariaDB (from
 * {@code /proc}). Run with {@code bench/events.sh}.
 */
@QuarkusTest
class EventsThroughputBench {

    static final List<Integer> SENDERS = integers("bench.senders", "16,32");
    static final List<Integer> ENVELOPES = integers("bench.envelopes", "1,10");
    static final List<Kind> KINDS = Stream.of(System.getProperty("bench.kinds", "blob,one,many").split(","))
            .map(k -> Kind.valueOf(k.trim().toUpperCase(Locale.ROOT))).toList();
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    /**
     * The JIT compiles the HTTP stack, Jackson and the store in the first seconds, for half a minute on a busy
     * machine: the first case of each kind warms up this long, every other case {@link #CASE_WARMUP}.
     */
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 20));
    static final Duration CASE_WARMUP = Duration.ofSeconds(Integer.getInteger("bench.caseWarmup", 3));
    /** Threads of the load generator, whose CPU is not the service's. */
    static final String GENERATOR = "bench-";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4, named(GENERATOR + "http-"))).build();

    /** What the events are: blob pushes, or manifest pushes by tag into one repository or into 1,000. */
    enum Kind {
        BLOB("blob", 0), ONE("manifest, 1 repository", 1), MANY("manifest, 1,000 repositories", 1000);

        final String label;
        final int repositories;

        Kind(String label, int repositories) {
            this.label = label;
            this.repositories = repositories;
        }
    }

    /**
     * What one case of the sink did: acknowledged events, errors, CPU seconds of the service (without the JIT
     * compiler's threads), of the JIT compiler and of MariaDB.
     */
    record Sent(long acknowledged, long errors, double serviceCpu, double jitCpu, double mariadbCpu) {
    }

    @Test
    void eventsPerSecond() throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, Double> references = new HashMap<>();
        for (Kind kind : KINDS) {
            Duration warmup = WARMUP;
            for (int size : ENVELOPES) {
                for (int senders : SENDERS) {
                    sink(kind, size, senders, "warmup" + size + "-" + UUID.randomUUID().toString().substring(0, 8), warmup);
                    warmup = CASE_WARMUP;
                    double reference = references.computeIfAbsent(size + "x" + senders, k -> jdbc(size, senders));
                    String run = "bench" + size + "-" + UUID.randomUUID().toString().substring(0, 8);
                    long deadlocks = innodbDeadlocks();
                    var batches = meters.summary("portcullis.catalog.writer.batch");
                    long batchCount = batches.count();
                    double batchTotal = batches.totalAmount();
                    Sent sent;
                    try (Profile profile = Profile.start("events-" + kind.name().toLowerCase(Locale.ROOT) + "-" + size
                            + "x" + senders)) {
                        sent = sink(kind, size, senders, run, MEASURE);
                    }
                    deadlocks = innodbDeadlocks() - deadlocks;
                    long stored = count("SELECT COUNT(*) FROM registry_events WHERE event_id LIKE '" + run + "%'");
                    double perSecond = sent.acknowledged() / (double) MEASURE.toSeconds();
                    double batch = (batches.totalAmount() - batchTotal) / Math.max(1, batches.count() - batchCount);
                    lines.add(String.format(Locale.ROOT, "%-28s %8s %7d %9.0f %9.0f %6.2f %9d %9d %6d %9d %6.1f %7.3f %7.3f %7.3f %7.3f",
                            kind.label, size, senders, perSecond, reference, perSecond / reference, sent.acknowledged(), stored,
                            sent.errors(), deadlocks, batch, 1000 * sent.serviceCpu() / stored,
                            1000 * sent.mariadbCpu() / stored, 1000 * sent.jitCpu() / stored, 1000 * (sent.serviceCpu() + sent.mariadbCpu()) / stored));
                    assertEquals(sent.acknowledged(), stored, "every event sent with a 2xx answer is stored exactly once");
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%s %s, %d s each after %d s of warm-up (%d s for the first of a kind), "
                + "durable commits %s%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                MEASURE.toSeconds(), CASE_WARMUP.toSeconds(), WARMUP.toSeconds(), Boolean.getBoolean("bench.durable"));
        System.out.printf(Locale.ROOT, "%-28s %8s %7s %9s %9s %6s %9s %9s %6s %9s %6s %7s %7s %7s %7s%n", "events",
                "envelope", "senders", "sink ev/s", "jdbc ev/s", "ratio", "sent", "stored", "errors", "deadlocks", "batch",
                "svc ms", "db ms", "jit ms", "cpu ms");
        lines.forEach(System.out::println);
        System.out.println("goals: ratio >= 0.5 for each case, and never below 2,000 events/s; cpu ms = CPU time per "
                + "stored event (service + MariaDB; the JIT compiler's threads, a warm-up cost, apart in jit ms), batch = "
                + "deliveries per catalog-writer commit");
    }

    /** Events posted through the sink by {@code senders} threads for {@code duration}. */
    Sent sink(Kind kind, int size, int senders, String run, Duration duration) throws Exception {
        String url = "http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events";
        AtomicLong sequence = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders, named(GENERATOR + "sender-"));
        double processStart = ProcessCpu.self();
        double jitStart = ProcessCpu.compilerThreads();
        double generatorStart = generatorCpu();
        double mariadbStart = mariadbCpu();
        long end = System.nanoTime() + duration.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < size; i++) {
                        long n = sequence.incrementAndGet();
                        body.append(i > 0 ? "," : "").append(kind == Kind.BLOB ? event(run + "-" + n, n)
                                : manifestEvent(run + "-" + n, run + "-" + n % kind.repositories, n));
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
        for (Future<?> f : running) {
            f.get();
        }
        // Before the senders' threads end, while their CPU clocks can still be read.
        double generator = generatorCpu() - generatorStart;
        double jit = ProcessCpu.compilerThreads() - jitStart;
        double service = ProcessCpu.self() - processStart - generator - jit;
        double mariadb = mariadbCpu() - mariadbStart;
        pool.shutdown();
        return new Sent(acknowledged.get(), errors.get(), service, jit, mariadb);
    }

    /** CPU seconds of the live threads of the load generator (its senders, its HTTP client's threads). */
    static double generatorCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(GENERATOR) || t.getName().startsWith("HttpClient-")) {
                nanos += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return nanos / 1e9;
    }

    static double mariadbCpu() {
        return ProcessCpu.naming(MariaDbTestResource.server().dataDir().toString());
    }

    static ThreadFactory named(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static List<Integer> integers(String property, String defaults) {
        return Stream.of(System.getProperty(property, defaults).split(",")).map(s -> Integer.parseInt(s.trim())).toList();
    }

    static String event(String id, long n) {
        return "{\"id\":\"" + id + "\",\"timestamp\":\"" + Instant.now() + "\",\"action\":\"push\",\"target\":{"
                + "\"mediaType\":\"application/octet-stream\",\"size\":1234,\"digest\":\"sha256:" + String.format("%064x", n)
                + "\",\"repository\":\"bench/events\",\"url\":\"http://r/v2/bench/events/blobs/x\"},"
                + "\"request\":{\"id\":\"r\",\"addr\":\"127.0.0.1:1\",\"host\":\"r\",\"method\":\"PUT\",\"useragent\":\"bench\"},"
                + "\"actor\":{\"name\":\"bench\"},\"source\":{\"addr\":\"r:5000\",\"instanceID\":\"i\"}}";
    }

    /** A manifest push by tag into {@code bench/<repository>}: an event, an activity, a repository and a tag. */
    static String manifestEvent(String id, String repository, long n) {
        repository = "bench/" + repository;
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

    /** The reference: the same rows by plain JDBC, a thread per sender, one transaction per envelope's worth. */
    double jdbc(int size, int senders) {
        try {
            return jdbcRowsPerSecond(size, senders);
        } catch (Exception e) {
            throw new IllegalStateException("the plain JDBC reference failed", e);
        }
    }

    double jdbcRowsPerSecond(int size, int senders) throws Exception {
        String run = "jdbc" + size + "-" + UUID.randomUUID().toString().substring(0, 8);
        AtomicLong sequence = new AtomicLong();
        AtomicLong inserted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(senders, named(GENERATOR + "jdbc-"));
        long end = System.nanoTime() + MEASURE.toNanos();
        List<Future<?>> writers = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            writers.add(pool.submit(() -> {
                // A connection of its own per thread: the service's pool holds fewer than the senders.
                try (Connection c = MariaDbTestResource.server().connect(); PreparedStatement insert = c.prepareStatement("""
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
