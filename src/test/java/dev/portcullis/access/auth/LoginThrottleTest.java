package dev.portcullis.access.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.auth.LoginThrottle.Limits;
import dev.portcullis.access.auth.LoginThrottle.TooManyAttempts;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.MovingClock;
import dev.portcullis.testsupport.Schema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

/** The throttle's rules, on a real MariaDB (its counters are rows, shared by every replica). */
class LoginThrottleTest {

    private static MariaDbServer db;
    private static DataSource dataSource;
    private static final SecretHasher KEYS = new SecretHasher("test-hash-key".getBytes(StandardCharsets.UTF_8));

    private static final String ADDRESS = "198.51.100.7";
    private static final String OTHER_ADDRESS = "203.0.113.9";

    private final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = throttle(clock, Limits.DEFAULTS);

    @BeforeAll
    static void startDatabase() {
        db = MariaDbServer.start();
        Schema.migrate(db.jdbcUrl());
        dataSource = Schema.dataSource(db.jdbcUrl());
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.stop();
        }
    }

    @BeforeEach
    void forgetEveryFailure() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM login_failures");
            Throttles.raiseFailures(c);
        }
    }

    private static LoginThrottle throttle(Clock clock, Limits limits) {
        return Throttles.replica(dataSource, KEYS, clock, limits);
    }

    @Test
    void fiveTyposNeverBlock() {
        failTimes("alice", ADDRESS, 5);
        assertDoesNotThrow(() -> throttle.check("alice", ADDRESS));
    }

    @Test
    void eachFailureBeyondTheAllowanceDoublesTheBlock() {
        failTimes("alice", ADDRESS, 5);
        for (long expected : new long[] {1, 2, 4, 8, 16, 32}) {
            throttle.failed("alice", ADDRESS);
            assertEquals(expected, retryAfter("alice", ADDRESS));
            clock.advance(Duration.ofSeconds(expected).minusMillis(1));
            assertEquals(1, retryAfter("alice", ADDRESS), "still blocked a millisecond before the end");
            clock.advance(Duration.ofMillis(1));
            assertDoesNotThrow(() -> throttle.check("alice", ADDRESS));
        }
    }

    @Test
    void theBlockNeverExceedsTheCap() {
        failTimes("alice", null, 5);
        long longest = 0;
        for (int i = 0; i < 40; i++) {
            throttle.failed("alice", null);
            long wait = retryAfter("alice", null);
            assertTrue(wait <= 300, "blocked for " + wait + " s");
            longest = Math.max(longest, wait);
            clock.advance(Duration.ofSeconds(wait));
        }
        assertEquals(300, longest);
        assertEquals(Duration.ofMinutes(5).toMillis(), throttle.backoffMillis(Integer.MAX_VALUE));
    }

    @Test
    void successResetsTheAccountButNotTheAddress() {
        failTimes("alice", ADDRESS, 6);
        clock.advance(Duration.ofSeconds(1));
        throttle.succeeded("Alice", throttle.check("Alice", OTHER_ADDRESS));
        failTimes("alice", OTHER_ADDRESS, 5);
        assertDoesNotThrow(() -> throttle.check("alice", OTHER_ADDRESS), "the account has its allowance back");

        for (int i = 0; i < 45; i++) {
            throttle.failed("guess-" + i, ADDRESS);
        }
        // ADDRESS now holds 51 failures: blocked. Logging in to one's own account must not lift that.
        throttle.succeeded("mallory", new LoginThrottle.Standing(true));
        assertEquals(1, retryAfter("mallory", ADDRESS));
        assertEquals(1, retryAfter(null, ADDRESS));
    }

    @Test
    void anExistingAndAnUnknownNameGetTheSameTreatment() {
        // The throttle never looks names up; the same script gives the same answers for any name.
        List<Long> existing = script("alice");
        List<Long> unknown = script("no-such-user-7f3a");
        assertEquals(existing, unknown);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 1L, 2L, 4L, 8L), existing);
    }

    @Test
    void theRefusalDoesNotNameTheAccount() {
        failTimes("alice", ADDRESS, 6);
        TooManyAttempts refused = assertThrows(TooManyAttempts.class, () -> throttle.check("alice", ADDRESS));
        assertFalse(refused.getMessage().contains("alice"));
        assertFalse(refused.getMessage().contains(ADDRESS));
        assertEquals(0, refused.getStackTrace().length, "no stack trace for a routine refusal");
    }

    @Test
    void theAddressAllowanceIsLooseEnoughForASharedNat() {
        for (int i = 0; i < 50; i++) {
            throttle.failed("user-" + i, ADDRESS);
            assertDoesNotThrow(() -> throttle.check("someone-else", ADDRESS));
        }
        throttle.failed("user-50", ADDRESS);
        assertEquals(1, retryAfter("someone-else", ADDRESS));
        assertEquals(1, retryAfter(null, ADDRESS));
        assertDoesNotThrow(() -> throttle.check("someone-else", OTHER_ADDRESS));
    }

    @Test
    void accountNamesAreCountedCaseInsensitively() {
        failTimes("Alice", null, 3);
        failTimes("ALICE", null, 3);
        assertEquals(1, retryAfter("alice", null));
    }

    @Test
    void theWindowForgetsOldFailures() {
        failTimes("alice", ADDRESS, 5);
        clock.advance(Duration.ofMinutes(15));
        failTimes("alice", ADDRESS, 5);
        assertDoesNotThrow(() -> throttle.check("alice", ADDRESS), "the first five are forgotten");
        throttle.failed("alice", ADDRESS);
        assertEquals(1, retryAfter("alice", ADDRESS));
    }

    @Test
    void failuresInsideTheWindowKeepCounting() {
        failTimes("alice", ADDRESS, 5);
        clock.advance(Duration.ofMinutes(14));
        throttle.failed("alice", ADDRESS);
        assertEquals(1, retryAfter("alice", ADDRESS));
    }

    @Test
    void aMissingAccountOrAddressIsSkipped() {
        assertDoesNotThrow(() -> {
            failTimes(null, null, 100);
            throttle.succeeded(null, LoginThrottle.Standing.CLEAN);
            throttle.check(null, null);
        });

        failTimes("bob", null, 6);
        assertEquals(1, retryAfter("bob", null));
        assertEquals(1, retryAfter("bob", ADDRESS));

        failTimes(null, OTHER_ADDRESS, 51);
        assertEquals(1, retryAfter(null, OTHER_ADDRESS));
        assertDoesNotThrow(() -> throttle.check("carol", null));
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        int threads = 8;
        int perThread = 100;
        int total = threads * perThread;
        // The allowance is one less than the failures sent: a single lost update leaves the keys unblocked.
        LoginThrottle exact = throttle(clock, new Limits(total - 1, total - 1,
                Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(5)));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        try {
                            exact.check("alice", ADDRESS);
                        } catch (TooManyAttempts expectedNearTheEnd) {
                            // only the last failure may block, and a check can race with it
                        }
                        exact.failed("alice", ADDRESS);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, retryAfterOf(exact, "alice", null), "every account failure was counted");
        assertEquals(1, retryAfterOf(exact, null, ADDRESS), "every address failure was counted");
    }

    @Test
    void aCorrectSignInReadsOnlyTheFailuresCountAndWritesNothing() throws Exception {
        failTimes(null, OTHER_ADDRESS, 2); // other keys' rows exist: the read must still be by key
        long[] before = statements();
        LoginThrottle.Standing standing = throttle.check("alice", ADDRESS);
        throttle.succeeded("alice", standing);
        long[] after = statements();
        assertEquals(2, after[0] - before[0], "the failures' count, then alice's and the address's rows");
        assertEquals(0, after[1] - before[1], "no INSERT, UPDATE or DELETE");

        before = statements();
        throttle.succeeded("alice", throttle.check("alice", ADDRESS));
        after = statements();
        assertEquals(1, after[0] - before[0], "no new failure anywhere: the count alone, the rows from the cache");
        assertEquals(0, after[1] - before[1], "no INSERT, UPDATE or DELETE");

        failTimes("alice", ADDRESS, 1);
        before = statements();
        throttle.succeeded("alice", throttle.check("alice", ADDRESS));
        after = statements();
        assertEquals(2, after[1] - before[1], "a success after failures deletes the account's row, raises the count");
        assertEquals(1, throttle.trackedKeys() - 1, "the address rows stay");
    }

    @Test
    void aFailureCountedByOneReplicaBlocksAtTheOtherAtItsNextCheck() {
        LoginThrottle other = throttle(clock, Limits.DEFAULTS);
        assertDoesNotThrow(() -> other.check("alice", ADDRESS)); // its cache now holds "no rows"
        failTimes("alice", ADDRESS, 6);
        assertEquals(1, retryAfterOf(other, "alice", ADDRESS), "the other replica's cache did not hide the block");
    }

    /** The server's SELECT count and its INSERT + UPDATE + DELETE count (this test is its only client). */
    private static long[] statements() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN "
                        + "('Com_select','Com_insert','Com_update','Com_delete')")) {
            long select = 0;
            long writes = 0;
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Com_select")) {
                    select = rs.getLong(2);
                } else {
                    writes += rs.getLong(2);
                }
            }
            return new long[] {select, writes};
        }
    }

    @Test
    void quietKeysAreDroppedAfterTheWindow() {
        failTimes("alice", ADDRESS, 3);
        assertEquals(2, throttle.trackedKeys());
        clock.advance(Duration.ofMinutes(14));
        throttle.forgetQuietKeys();
        assertEquals(2, throttle.trackedKeys(), "inside the window the rows stay");
        clock.advance(Duration.ofMinutes(1));
        throttle.forgetQuietKeys();
        assertEquals(0, throttle.trackedKeys());
    }

    @Test
    void anOversizedNameIsCountedByItsPrefix() {
        String prefix = "x".repeat(LoginThrottle.MAX_KEY_LENGTH);
        failTimes(prefix + "a".repeat(1_000_000), null, 3);
        failTimes(prefix + "b", null, 3);
        assertEquals(1, retryAfter(prefix, null));
    }

    @Test
    void limitsThatCouldForgetABlockEarlyAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(5, 50,
                Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(5)));
        assertThrows(IllegalArgumentException.class, () -> new Limits(5, 50,
                Duration.ofMinutes(15), Duration.ZERO, Duration.ofMinutes(5)));
    }

    /** Nine failures of one name from a fresh throttle, with the wait after each (0 = not blocked). */
    private List<Long> script(String account) {
        LoginThrottle fresh = throttle(new MovingClock(), Limits.DEFAULTS);
        forgetEveryFailureQuietly();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            fresh.failed(account, ADDRESS);
            waits.add(retryAfterOf(fresh, account, ADDRESS));
        }
        return waits;
    }

    private void forgetEveryFailureQuietly() {
        try {
            forgetEveryFailure();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void failTimes(String account, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(account, address);
        }
    }

    private long retryAfter(String account, String address) {
        return retryAfterOf(throttle, account, address);
    }

    /** The seconds check() asks to wait, or 0 when it lets the attempt through. */
    private static long retryAfterOf(LoginThrottle throttle, String account, String address) {
        try {
            throttle.check(account, address);
            return 0;
        } catch (TooManyAttempts refused) {
            return refused.retryAfterSeconds();
        }
    }
}
