package dev.portcullis.access.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.auth.LoginThrottle.Limits;
import dev.portcullis.access.auth.LoginThrottle.TooManyAttempts;
import dev.portcullis.testsupport.GaleraCluster;
import dev.portcullis.testsupport.MovingClock;
import dev.portcullis.testsupport.Schema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on two nodes of a three-node Galera cluster share one brute-force allowance: failures split between
 * them count as if one replica had seen them all, and concurrent failures on both nodes (writes of one row that
 * certify against each other) are all counted. The schema the migrations leave is Galera-safe.
 */
class SharedThrottleOnGaleraTest {

    private static final String ADDRESS = "198.51.100.7";
    private static final SecretHasher KEYS = new SecretHasher("shared-hash-key".getBytes(StandardCharsets.UTF_8));

    private static GaleraCluster cluster;
    /** Replica A's and replica B's databases: nodes 1 and 2. Reads wait for the node to apply what is certified. */
    private static DataSource nodeA;
    private static DataSource nodeB;

    private final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeAll
    static void startCluster() {
        cluster = GaleraCluster.start();
        Schema.migrate(cluster.node(0).jdbcUrl());
        nodeA = Schema.dataSource(cluster.node(0).jdbcUrl() + "?sessionVariables=wsrep_sync_wait=1");
        nodeB = Schema.dataSource(cluster.node(1).jdbcUrl() + "?sessionVariables=wsrep_sync_wait=1");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void forgetEveryFailure() throws Exception {
        try (Connection c = nodeA.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM login_failures");
            Throttles.raiseFailures(c);
        }
    }

    static final String LATEST = "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1";

    @Test
    void theMigrationsRanOnTheClusterAndEveryTableHasAPrimaryKey() throws Exception {
        String migrated = null;
        try (Connection c = cluster.node(0).connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(LATEST)) {
            assertTrue(rs.next(), "node 1 was migrated");
            migrated = rs.getString(1);
        }
        assertEquals(Schema.latestVersion(), migrated, "node 1 has every migration of this build");
        try (Connection c = cluster.node(2).connect(); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery(LATEST)) {
                rs.next();
                assertEquals(migrated, rs.getString(1), "node 3 has the schema node 1 migrated");
            }
            List<String> withoutKey = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    SELECT t.table_name FROM information_schema.tables t
                    WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'
                      AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints k
                                      WHERE k.table_schema = t.table_schema AND k.table_name = t.table_name
                                        AND k.constraint_type = 'PRIMARY KEY')""")) {
                while (rs.next()) {
                    withoutKey.add(rs.getString(1));
                }
            }
            // Galera replicates a table without a primary key row by row with full scans, and cannot certify it.
            assertEquals(List.of(), withoutKey);
            try (ResultSet rs = s.executeQuery("""
                    SELECT COUNT(*) FROM information_schema.tables
                    WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND engine <> 'InnoDB'""")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "Galera replicates InnoDB tables only");
            }
        }
    }

    @Test
    void failuresSplitBetweenTwoReplicasCountOnBoth() {
        LoginThrottle a = Throttles.replica(nodeA, KEYS, clock, Limits.DEFAULTS);
        LoginThrottle b = Throttles.replica(nodeB, KEYS, clock, Limits.DEFAULTS);
        // Five free failures per account: three through A, two through B. Alone, each replica would allow five.
        for (int i = 0; i < 5; i++) {
            LoginThrottle replica = i % 2 == 0 ? a : b;
            assertDoesNotThrow(() -> replica.check("alice", ADDRESS));
            replica.failed("alice", ADDRESS);
        }
        assertDoesNotThrow(() -> a.check("alice", ADDRESS), "five failures are free");
        b.failed("alice", ADDRESS);
        assertEquals(1, assertThrows(TooManyAttempts.class, () -> a.check("alice", ADDRESS)).retryAfterSeconds(),
                "the sixth failure, seen by B, blocks the account on A");
        assertEquals(1, assertThrows(TooManyAttempts.class, () -> b.check("Alice", ADDRESS)).retryAfterSeconds());

        clock.advance(Duration.ofSeconds(1));
        a.failed("alice", ADDRESS);
        assertEquals(2, assertThrows(TooManyAttempts.class, () -> b.check("alice", ADDRESS)).retryAfterSeconds(),
                "the block doubles whichever replica saw the failure before");

        clock.advance(Duration.ofSeconds(2));
        b.succeeded("alice", b.check("alice", ADDRESS));
        for (int i = 0; i < 5; i++) {
            (i % 2 == 0 ? b : a).failed("alice", ADDRESS);
        }
        assertDoesNotThrow(() -> a.check("alice", ADDRESS), "a success on B gave the account its allowance back on A");
    }

    @Test
    void concurrentFailuresOnTwoNodesAreAllCounted() throws Exception {
        int perReplica = 60;
        int total = 2 * perReplica;
        // The allowance is one less than the failures sent: a single lost update leaves the account unblocked.
        Limits exact = new Limits(total - 1, total - 1, Duration.ofMinutes(15), Duration.ofSeconds(1),
                Duration.ofMinutes(5));
        List<LoginThrottle> replicas = List.of(Throttles.replica(nodeA, KEYS, clock, exact),
                Throttles.replica(nodeB, KEYS, clock, exact));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (LoginThrottle replica : replicas) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perReplica; i++) {
                        replica.failed("alice", ADDRESS);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = cluster.node(2).connect(); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT kind, failures FROM login_failures ORDER BY kind")) {
                assertTrue(rs.next());
                assertEquals(total, rs.getInt(2), "every account failure counted");
                assertTrue(rs.next());
                assertEquals(total, rs.getInt(2), "every address failure counted");
            }
        }
        for (LoginThrottle replica : replicas) {
            assertThrows(TooManyAttempts.class, () -> replica.check("alice", null));
            assertThrows(TooManyAttempts.class, () -> replica.check(null, ADDRESS));
        }
    }
}
