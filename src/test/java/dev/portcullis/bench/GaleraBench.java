package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.reliability.SampleEvents;
import dev.portcullis.testsupport.GaleraCluster;
import dev.portcullis.testsupport.HaproxyBalancer;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.PackagedReplica;
import dev.portcullis.testsupport.Rows;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Side by side in one run: tokens/s and events/s with one replica on one MariaDB, one replica on a three-node
 * Galera cluster, two replicas on it (on two nodes, behind haproxy); and the commit latency certification adds (one
 * autocommitted single-row update, one MariaDB against a Galera node), with the cost of {@code wsrep_sync_wait} on
 * a primary-key read. Run with {@code bench/galera.sh}.
 */
class GaleraBench {

    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
    static final int THREADS = Integer.getInteger("bench.threads", 16);
    static final int PER_ENVELOPE = 10;
    static final String SECRET = "bench-events-secret";
    static final String ADMIN = "bench";
    static final String PASSWORD = "bench-password-123";
    // HTTP/1.1, as the registry and docker speak to the service (no h2c upgrade on every request).
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void oneMariaDbAgainstGaleraWithOneAndTwoReplicas() throws Exception {
        Path work = Files.createDirectories(Path.of("target/galera-bench/" + UUID.randomUUID().toString().substring(0, 8)));
        List<String> lines = new ArrayList<>();
        try (MariaDbServer single = MariaDbServer.start()) {
            lines.add(latency("one MariaDB", single::connect));
            PackagedReplica r = replica("single", work, single.jdbcUrl());
            try {
                lines.add(measure("1 replica, one MariaDB", r.url(), () -> countEvents(single::connect)));
            } finally {
                r.kill();
            }
        }
        try (GaleraCluster cluster = GaleraCluster.start()) {
            lines.add(latency("Galera node", () -> cluster.node(0).connect()));
            lines.add(syncWaitCost(cluster));
            PackagedReplica a = replica("a", work, "jdbc:mariadb:sequential://127.0.0.1:" + cluster.node(0).port()
                    + ",127.0.0.1:" + cluster.node(1).port() + "/" + GaleraCluster.DATABASE);
            PackagedReplica b = null;
            HaproxyBalancer balancer = null;
            try {
                lines.add(measure("1 replica, Galera", a.url(), () -> countEvents(() -> cluster.node(2).connect())));
                b = replica("b", work, "jdbc:mariadb:sequential://127.0.0.1:" + cluster.node(1).port()
                        + ",127.0.0.1:" + cluster.node(0).port() + "/" + GaleraCluster.DATABASE);
                balancer = HaproxyBalancer.start(work.resolve("haproxy"), List.of(
                        new HaproxyBalancer.Backend(a.httpPort(), a.managementPort()),
                        new HaproxyBalancer.Backend(b.httpPort(), b.managementPort())));
                lines.add(measure("2 replicas on 2 nodes, Galera, haproxy", balancer.url(),
                        () -> countEvents(() -> cluster.node(2).connect())));
            } finally {
                if (balancer != null) {
                    balancer.close();
                }
                a.kill();
                if (b != null) {
                    b.kill();
                }
            }
        }
        lines.forEach(l -> System.out.println("galera " + l));
    }

    static PackagedReplica replica(String name, Path work, String jdbcUrl) throws Exception {
        PackagedReplica r = new PackagedReplica(name, work, jdbcUrl, Map.of(
                "PORTCULLIS_EVENTS_TOKEN", SECRET,
                "PORTCULLIS_TOKENS_HASH_KEY", "bench-hash-key-0123456789abcdef0123",
                "PORTCULLIS_ADMIN_USERNAME", ADMIN,
                "PORTCULLIS_ADMIN_PASSWORD", PASSWORD));
        r.start();
        r.awaitReady();
        return r;
    }

    interface Connector {
        Connection connect() throws Exception;
    }

    /** Tokens/s (docker's GET with HTTP Basic, a pull scope) and events/s (envelopes of 10 manifest pushes). */
    static String measure(String name, String url, Supplier<Long> stored) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        // One sign-in first: the password's bcrypt check is then cached (as for docker after its first request),
        // instead of sixteen at once eating the warm-up on two cores.
        // Twice: behind haproxy's round robin, once on each replica.
        for (int i = 0; i < 2; i++) {
            HttpResponse<Void> first = HTTP.send(HttpRequest.newBuilder(URI.create(url
                    + "/v2/token?service=registry.test")).header("Authorization", basic).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(200, first.statusCode(), name + ": the admin signs in");
        }
        Load tokens = load(url, i -> HttpRequest.newBuilder(URI.create(url + "/v2/token?service=registry.test"
                + "&scope=repository:bench/r" + i % 100 + ":pull")).header("Authorization", basic).GET().build(), 1);
        long before = stored.get();
        String run = UUID.randomUUID().toString().substring(0, 6);
        AtomicLong seq = new AtomicLong();
        Instant at = Instant.parse("2026-12-01T00:00:00Z");
        Load events = load(url, i -> {
            List<String> batch = new ArrayList<>();
            for (int e = 0; e < PER_ENVELOPE; e++) {
                long n = seq.incrementAndGet();
                batch.add(SampleEvents.manifestPush(run + "-" + n, "bench/" + run + "-" + n % 100, "t" + n,
                        "sha256:" + "5".repeat(64), at.plusMillis(n)));
            }
            return HttpRequest.newBuilder(URI.create(url + "/v2/webhooks/events"))
                    .header("Authorization", "Bearer " + SECRET)
                    .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(SampleEvents.envelope(batch))).build();
        }, PER_ENVELOPE);
        long storedEvents = stored.get() - before;
        // Warm-up deliveries are stored too: every acknowledged one, none twice.
        assertEquals(events.acknowledgedIncludingWarmup, storedEvents, name + ": stored = acknowledged");
        assertTrue(tokens.perSecond > 0 && events.perSecond > 0, name + ": tokens/s " + tokens.perSecond
                + ", events/s " + events.perSecond + ", refused " + tokens.refused + " and " + events.refused);
        return String.format(Locale.ROOT, "%-40s tokens/s %,8.0f (p50 %5.1f ms, p99 %6.1f ms)   events/s %,8.0f"
                + " (p50 %5.1f ms, p99 %6.1f ms per envelope of %d)   refused %d", name, tokens.perSecond,
                tokens.p50, tokens.p99, events.perSecond, events.p50, events.p99, PER_ENVELOPE,
                tokens.refused + events.refused);
    }

    record Load(double perSecond, double p50, double p99, long refused, long acknowledgedIncludingWarmup) {
    }

    interface Requests {
        HttpRequest make(long i);
    }

    /** THREADS closed-loop clients: a warm-up, then the measured window; a 2xx counts {@code weight} units. */
    static Load load(String url, Requests requests, int weight) throws Exception {
        long warmEnd = System.nanoTime() + WARMUP.toNanos();
        long end = warmEnd + MEASURE.toNanos();
        AtomicLong done = new AtomicLong();
        AtomicLong all = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    long[] mine = new long[1 << 18];
                    int n = 0;
                    for (long i = ThreadLocalRandom.current().nextLong(1000); System.nanoTime() < end; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<Void> r = HTTP.send(requests.make(i), HttpResponse.BodyHandlers.discarding());
                        long t1 = System.nanoTime();
                        boolean ok = r.statusCode() / 100 == 2;
                        if (ok) {
                            all.addAndGet(weight);
                        } else if (refused.incrementAndGet() == 1) {
                            System.out.println("galera first refusal: " + r.statusCode());
                        }
                        if (t0 >= warmEnd && ok) {
                            done.addAndGet(weight);
                            if (n < mine.length) {
                                mine[n++] = t1 - t0;
                            }
                        }
                    }
                    return Arrays.copyOf(mine, n);
                }));
            }
            for (Future<long[]> f : futures) {
                latencies.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long[] merged = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Load(done.get() / (double) MEASURE.toSeconds(), percentile(merged, 0.5), percentile(merged, 0.99),
                refused.get(), all.get());
    }

    static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    static long countEvents(Connector db) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            return Rows.count(c, "SELECT COUNT(*) FROM registry_events");
        } catch (Exception e) {
            if (e.getMessage() != null && e.getMessage().contains("wsrep_sync_wait")) {
                try (Connection c = db.connect()) {
                    return Rows.count(c, "SELECT COUNT(*) FROM registry_events");
                } catch (Exception again) {
                    throw new IllegalStateException(again);
                }
            }
            throw new IllegalStateException(e);
        }
    }

    /** p50 and p99 of one autocommitted single-row update (a commit each), one thread. */
    static String latency(String name, Connector db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // A schema of its own: the service's must be empty for Flyway.
            s.execute("CREATE DATABASE IF NOT EXISTS bench");
            s.execute("CREATE TABLE IF NOT EXISTS bench.commits (id INT PRIMARY KEY, n BIGINT NOT NULL)");
            s.execute("INSERT IGNORE INTO bench.commits SELECT seq, 0 FROM seq_1_to_1000");
            long[] nanos = new long[3000];
            try (PreparedStatement u = c.prepareStatement("UPDATE bench.commits SET n = n + 1 WHERE id = ?")) {
                for (int i = 0; i < nanos.length; i++) {
                    u.setInt(1, 1 + ThreadLocalRandom.current().nextInt(1000));
                    long t0 = System.nanoTime();
                    u.executeUpdate();
                    nanos[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(nanos);
            return String.format(Locale.ROOT, "%-40s commit of a one-row update: p50 %.2f ms, p99 %.2f ms", name,
                    percentile(nanos, 0.5), percentile(nanos, 0.99));
        }
    }

    /** A primary-key read on node 2, without and with wsrep_sync_wait=1, while nothing else writes. */
    static String syncWaitCost(GaleraCluster cluster) throws Exception {
        double[] p50 = new double[2];
        for (int wait = 0; wait <= 1; wait++) {
            try (Connection c = cluster.node(1).connect(); Statement s = c.createStatement()) {
                s.execute("SET SESSION wsrep_sync_wait = " + wait);
                long[] nanos = new long[3000];
                try (PreparedStatement q = c.prepareStatement("SELECT n FROM bench.commits WHERE id = ?")) {
                    for (int i = 0; i < nanos.length; i++) {
                        q.setInt(1, 1 + ThreadLocalRandom.current().nextInt(1000));
                        long t0 = System.nanoTime();
                        q.executeQuery().close();
                        nanos[i] = System.nanoTime() - t0;
                    }
                }
                Arrays.sort(nanos);
                p50[wait] = percentile(nanos, 0.5);
            }
        }
        return String.format(Locale.ROOT, "%-40s primary-key read p50 %.2f ms, with wsrep_sync_wait=1 %.2f ms",
                "Galera node", p50[0], p50[1]);
    }
}
