package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.BusyCores;
import dev.portcullis.testsupport.Rows;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The sink under the load it exists for, on a machine as busy as a CI runner's: 32 concurrent senders deliver
 * pushes and pulls into four repositories, each event three times in differently cut and shuffled envelopes,
 * while a busy loop per core competes for the CPU. Every delivery must be answered 2xx at its first attempt, the
 * database must report no deadlock at all (the sink's one writer makes them impossible, not rare), and the
 * catalog must hold exactly what was delivered. {@code -Dconcurrent-writers.rounds=10} repeats it.
 */
@QuarkusTest
class ConcurrentWritersTest {

    static final int ROUNDS = Integer.getInteger("concurrent-writers.rounds", 1);
    static final int SENDERS = 32;
    static final int REPOSITORIES = 4;
    static final int PUSHES = 600;
    static final int PULLS = 600;
    static final int COPIES = 3;
    static final int MAX_ENVELOPE = 10;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Test
    void overlappingDuplicatesFromManySendersNeverDeadlockAndAreStoredExactly() throws Exception {
        try (BusyCores load = BusyCores.all()) {
            for (int round = 1; round <= ROUNDS; round++) {
                round(round, load);
            }
        }
    }

    private void round(int round, BusyCores load) throws Exception {
        String run = "cw" + UUID.randomUUID().toString().substring(0, 8);
        Instant base = Instant.parse("2026-11-25T10:00:00Z");
        RegistryLikeSender sender = new RegistryLikeSender(
                "http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events", "test-events-secret",
                Duration.ofSeconds(30));
        // The repositories exist before the storm: a pull delivered before any push of its repository counts no pull.
        for (int r = 0; r < REPOSITORIES; r++) {
            assertEquals(200, sender.post(SampleEvents.envelope(List.of(SampleEvents.manifestPush(run + "-seed" + r,
                    repository(run, r), "seed", digest(run, -1 - r), base)))).status());
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            events.add(SampleEvents.manifestPush(run + "-push" + i, repository(run, i), "t" + i, digest(run, i),
                    base.plusMillis(1 + i)));
        }
        for (int i = 0; i < PULLS; i++) {
            int tag = i % PUSHES;
            events.add(SampleEvents.manifestPull(run + "-pull" + i, repository(run, tag), "t" + tag, digest(run, tag),
                    base.plusSeconds(3600).plusMillis(i)));
        }
        List<String> envelopes = SampleEvents.shuffledEnvelopes(events, COPIES, MAX_ENVELOPE, new Random(round));

        double deadlocksBefore = meters.counter("portcullis.database.deadlocks").count();
        long innodbBefore = innodbDeadlocks();
        List<RegistryLikeSender.Attempt> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<RegistryLikeSender.Attempt>> futures = new ArrayList<>();
            for (String envelope : envelopes) {
                futures.add(pool.submit(() -> sender.post(envelope)));
            }
            for (Future<RegistryLikeSender.Attempt> f : futures) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertTrue(load.spinning(), "the second load ran throughout");
        for (RegistryLikeSender.Attempt a : answers) {
            assertEquals(200, a.status(), () -> "round " + round + ": " + a.body());
        }
        assertEquals(0, innodbDeadlocks() - innodbBefore, "deadlocks InnoDB detected in round " + round);
        assertEquals(0.0, meters.counter("portcullis.database.deadlocks").count() - deadlocksBefore,
                "deadlocks the writer met in round " + round);
        String like = run + "/%";
        int distinct = PUSHES + PULLS + REPOSITORIES;
        assertEquals(distinct, count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?", like));
        assertEquals(distinct, count("SELECT COUNT(*) FROM activities WHERE repository LIKE ?", like));
        assertEquals(PUSHES + REPOSITORIES, count("SELECT COUNT(*) FROM tags t JOIN repositories r"
                + " ON r.id = t.repository_id WHERE r.name LIKE ?", like));
        // The count each repository keeps agrees with its rows, and every pull was counted once.
        assertEquals(PUSHES + REPOSITORIES, count("SELECT SUM(tag_count) FROM repositories WHERE name LIKE ?", like));
        assertEquals(PULLS, count("SELECT SUM(pull_count) FROM repositories WHERE name LIKE ?", like));
        System.out.printf("concurrent writers, round %d: %d envelopes from %d senders beside %d busy loops, %s%n",
                round, envelopes.size(), SENDERS, load.count(), sender.summary());
    }

    static String repository(String run, int i) {
        return run + "/r" + Math.floorMod(i, REPOSITORIES);
    }

    static String digest(String run, int i) {
        return "sha256:" + String.format("%064x", Math.abs((long) (run + i).hashCode()) * 1_000_003L + 7 + i + 1_000);
    }

    long innodbDeadlocks() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"); ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "MariaDB reports Innodb_deadlocks");
            return rs.getLong(2);
        }
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }
}
