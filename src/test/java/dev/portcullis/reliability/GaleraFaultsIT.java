package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.GaleraCluster;
import dev.portcullis.testsupport.HaproxyBalancer;
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
import java.sql.Statement;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas of the packaged service on a three-node Galera cluster, behind haproxy, with a registry-like sender
 * streaming notifications through the balancer while one fault happens mid-stream: a replica killed with SIGKILL, a
 * database node stopped and started again, a node cut off from the others, the whole cluster restarted. After each,
 * every acknowledged event is stored exactly once (counted on another node than the writers'), with its activity
 * and its tag: no 2xx for an event that was not committed by the primary component, nothing stored twice.
 *
 * <p>Replica A connects to nodes 1, 2, 3 in that order (Connector/J {@code sequential}: the first that answers, the
 * next when it fails), replica B to 2, 3, 1: two writer nodes, so their batches also certify against each other
 * (both write the same repositories' rows), and the catalog writer's retry of 1213 is exercised throughout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraFaultsIT {

    static final Path APP = PackagedJar.APP;
    static final String SECRET = "galera-events-secret";
    static final int SENDERS = 6;
    static final int ENVELOPES = 600;
    static final int MAX_ENVELOPE = 6;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STREAM_TIMEOUT = Duration.ofSeconds(300);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static GaleraCluster cluster;
    static Path work;
    static final Replica[] REPLICAS = new Replica[2];
    static HaproxyBalancer balancer;
    /** What each fault cost, for the closing report (printed at the end). */
    static final Map<String, String> HEALED = new ConcurrentHashMap<>();

    /** One packaged service: its ports, its JDBC URL (node order), its process. */
    static final class Replica {
        final String name;
        final String jdbcUrl;
        final int httpPort = FreePort.next();
        final int managementPort = FreePort.next();
        Process process;

        Replica(String name, List<GaleraCluster.Node> order) {
            this.name = name;
            this.jdbcUrl = GaleraCluster.replicaJdbcUrl(order);
        }

        void start() throws IOException {
            process = new PackagedJar(work, work.resolve(name + ".log"), name + "-data", jdbcUrl,
                    GaleraCluster.USERNAME, GaleraCluster.PASSWORD, httpPort, managementPort)
                    // What the chart takes from Secrets, the same on every replica.
                    .with("PORTCULLIS_EVENTS_TOKEN", SECRET)
                    .with("PORTCULLIS_TOKENS_HASH_KEY", "galera-tokens-hash-key-0123456789abcdef")
                    .start();
        }

        long awaitReady() throws Exception {
            long started = System.nanoTime();
            HttpRequest ready = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            while (System.nanoTime() - started < READY_TIMEOUT.toNanos()) {
                assertTrue(process.isAlive(), () -> name + " exited with " + process.exitValue() + "\n" + log());
                try {
                    HttpResponse<String> answer = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                        return (System.nanoTime() - started) / 1_000_000;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new AssertionError(name + " not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + log());
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), name + " did not die");
        }

        String log() {
            try {
                String log = Files.readString(work.resolve(name + ".log"));
                return log.substring(Math.max(0, log.length() - 6000));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** A fault, run once the stream is a third acknowledged; returns what to report. */
    interface Fault {
        String strike(RegistryLikeSender sender, java.util.function.IntSupplier acknowledged, int total)
                throws Exception;
    }

    @BeforeAll
    static void startClusterReplicasAndBalancer() throws Exception {
        assertTrue(Files.isRegularFile(APP), APP + " is built by mvn package, before the integration tests");
        work = Files.createDirectories(Path.of("target/galera-it/" + UUID.randomUUID().toString().substring(0, 8)));
        cluster = GaleraCluster.start();
        List<GaleraCluster.Node> n = cluster.nodes();
        REPLICAS[0] = new Replica("a", List.of(n.get(0), n.get(1), n.get(2)));
        REPLICAS[1] = new Replica("b", List.of(n.get(1), n.get(2), n.get(0)));
        // One at a time: Flyway's lock is a table lock Galera does not replicate, so two replicas must not both
        // migrate at once on two nodes. The chart's rollout starts them one by one too (maxSurge 1).
        REPLICAS[0].start();
        REPLICAS[0].awaitReady();
        REPLICAS[1].start();
        REPLICAS[1].awaitReady();
        balancer = HaproxyBalancer.start(work.resolve("haproxy"), Stream.of(REPLICAS)
                .map(r -> new HaproxyBalancer.Backend(r.httpPort, r.managementPort)).toList());
    }

    @AfterAll
    static void stopAll() {
        System.out.println("galera faults healed: " + HEALED);
        if (balancer != null) {
            balancer.close();
        }
        for (Replica r : REPLICAS) {
            if (r != null && r.process != null) {
                r.process.destroyForcibly();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void oneReplicaKilledMidStream() throws Exception {
        stream("kill", (sender, acked, total) -> {
            long t0 = System.nanoTime();
            REPLICAS[1].kill();
            REPLICAS[1].start();
            long ready = REPLICAS[1].awaitReady();
            return "replica b killed, ready again " + ready + " ms after its start, "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms after the kill";
        });
    }

    @Test
    @Order(2)
    void oneNodeStoppedAndStartedAgain() throws Exception {
        stream("node", (sender, acked, total) -> {
            GaleraCluster.Node node = cluster.node(0); // replica a's node: a moves to node 2
            long t0 = System.nanoTime();
            node.stop();
            long stopped = System.nanoTime();
            node.start();
            return "node 1 stopped in " + (stopped - t0) / 1_000_000 + " ms, started and synced again in "
                    + (System.nanoTime() - stopped) / 1_000_000 + " ms";
        });
    }

    @Test
    @Order(3)
    void oneNodeCutOffRefusesWritesAndTheRegistryRetriesElsewhere() throws Exception {
        int[] refusedBefore = new int[1];
        RegistryLikeSender used = stream("cut", (sender, acked, total) -> {
            GaleraCluster.Node node = cluster.node(1); // replica b's node
            refusedBefore[0] = count503(sender);
            long t0 = System.nanoTime();
            node.isolate();
            // The cut-off node is in a non-primary component of its own: it refuses writes at once.
            awaitStatus(node, "non-Primary");
            long cut = System.nanoTime();
            // Keep it cut off while the stream goes on: the registry's retries land on replica a.
            while (acked.getAsInt() < total * 2 / 3) {
                assertTrue(System.nanoTime() - cut < TimeUnit.SECONDS.toNanos(200), "stalled: " + sender.summary());
                Thread.sleep(20);
            }
            long rejoinStart = System.nanoTime();
            node.rejoin();
            return "node 2 non-primary " + (cut - t0) / 1_000_000 + " ms after the cut, cut off for "
                    + (rejoinStart - cut) / 1_000_000 + " ms, synced again " + (System.nanoTime() - rejoinStart)
                    / 1_000_000 + " ms after the link came back";
        });
        assertTrue(count503(used) > refusedBefore[0],
                "replica b answered 503 while its node was cut off: " + used.summary());
    }

    @Test
    @Order(4)
    void theWholeClusterRestarted() throws Exception {
        stream("all", (sender, acked, total) -> {
            long t0 = System.nanoTime();
            cluster.restartAll();
            long restarted = System.nanoTime();
            return "every node stopped and the cluster bootstrapped again in " + (restarted - t0) / 1_000_000
                    + " ms";
        });
    }

    /** Streams a run's envelopes through the balancer, strikes the fault a third in, checks the database. */
    RegistryLikeSender stream(String run, Fault fault) throws Exception {
        String prefix = run + UUID.randomUUID().toString().substring(0, 6);
        Random random = new Random(run.hashCode());
        List<List<String>> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        int total = 0;
        Instant at = Instant.parse("2026-11-26T14:00:00Z");
        for (int e = 0; e < ENVELOPES; e++) {
            int size = 1 + random.nextInt(MAX_ENVELOPE);
            List<String> envelopeIds = new ArrayList<>();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < size; i++, total++) {
                String id = prefix + "-" + total;
                envelopeIds.add(id);
                events.add(SampleEvents.manifestPush(id, prefix + "/r" + total % 50, "t" + total,
                        "sha256:" + "4".repeat(64), at.plusMillis(total)));
            }
            ids.add(envelopeIds);
            bodies.add(SampleEvents.envelope(events));
        }
        RegistryLikeSender sender = new RegistryLikeSender(balancer.url() + "/v2/webhooks/events", SECRET,
                Duration.ofSeconds(5));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        Instant deadline = Instant.now().plus(STREAM_TIMEOUT);
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        String report;
        long started = System.nanoTime();
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
            while (acknowledged.size() < total / 3) {
                assertTrue(Instant.now().isBefore(deadline), "stream stalled: " + sender.summary());
                Thread.sleep(20);
            }
            int all = total;
            report = fault.strike(sender, acknowledged::size, all);
            for (Future<?> f : senders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        HEALED.put(run, report + "; stream of " + total + " events took " + (System.nanoTime() - started) / 1_000_000
                + " ms; " + sender.summary());
        System.out.printf(Locale.ROOT, "galera %s: %s%n", run, HEALED.get(run));

        assertEquals(total, acknowledged.size());
        Set<String> stored = storedIds(prefix);
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "acknowledged but not stored");
        assertEquals(total, count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?", prefix + "/%"),
                "each event stored once");
        assertEquals(total, count("SELECT COUNT(*) FROM activities WHERE repository LIKE ?", prefix + "/%"));
        assertEquals(total, count("SELECT COUNT(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                + " WHERE r.name LIKE ?", prefix + "/%"));
        assertEquals(total, count("SELECT SUM(tag_count) FROM repositories WHERE name LIKE ?", prefix + "/%"));
        // Every node agrees (none kept a write of its own while cut off: no split brain).
        for (GaleraCluster.Node node : cluster.nodes()) {
            assertEquals(total, countOn(node, "SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?",
                    prefix + "/%"), "stored on " + node);
        }
        for (RegistryLikeSender.Attempt a : sender.refusals()) {
            assertTrue(a.status() == RegistryLikeSender.CONNECTION_FAILED || a.status() == RegistryLikeSender.TIMED_OUT
                    || a.status() == 503 || a.status() == 502, () -> a.status() + " " + a.body());
        }
        return sender;
    }

    static int count503(RegistryLikeSender sender) {
        return (int) sender.refusals().stream().filter(a -> a.status() == 503).count();
    }

    static void awaitStatus(GaleraCluster.Node node, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!node.status().startsWith(prefix)) {
            assertTrue(System.nanoTime() < deadline, node + " is " + node.status());
            Thread.sleep(50);
        }
    }

    static Set<String> storedIds(String prefix) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = cluster.node(2).connect();
                PreparedStatement s = c.prepareStatement("SELECT event_id FROM registry_events WHERE repository LIKE ?")) {
            syncWait(c);
            s.setString(1, prefix + "/%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static long count(String sql, Object... args) throws Exception {
        return countOn(cluster.node(2), sql, args);
    }

    static long countOn(GaleraCluster.Node node, String sql, Object... args) throws Exception {
        try (Connection c = node.connect()) {
            syncWait(c);
            return Rows.count(c, sql, args);
        }
    }

    /** Reads after this wait until the node has applied every write the cluster certified before them. */
    static void syncWait(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
        }
    }
}
