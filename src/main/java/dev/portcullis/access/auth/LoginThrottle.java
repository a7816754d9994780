package dev.portcullis.access.auth;

import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Conflicts;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Slows down, then refuses, password guessing against one account name or from one client address.
 *
 * <p>Failures are counted per key. The first few are free (typos); each one beyond that blocks the key
 * for a doubling time, up to a cap. While a key is blocked the caller refuses the attempt before checking
 * the password, which is what makes guessing slow. The throttle never looks accounts up: it counts the
 * names it is given, so a name that exists and one that does not are treated the same.
 *
 * <p>The counters are rows of {@code login_failures}, so every replica sees every failure (ADR 0006): written on
 * failures only, read by primary key on each check, keyed by an HMAC of the name or address.
 *
 * <p>Caller's order: {@link #check}, then verify the password, then {@link #failed} or {@link #succeeded} with
 * what check answered.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** Longer keys are cut: usernames are at most 64, and a key is hashed from at most this many characters. */
    static final int MAX_KEY_LENGTH = 128;

    /**
     * How much failure is free and how hard the rest is slowed.
     *
     * @param freeFailuresPerAccount failures of one account name in a window that never block it
     * @param freeFailuresPerAddress failures from one client address in a window that never block it;
     *                               loose, because a NAT or CI runner puts many users behind one address
     * @param window                 failures are forgotten once this long has passed without another one
     * @param firstBackoff           the block after the first failure beyond the allowance; doubles after that
     * @param maxBackoff             the longest block: the worst a legitimate user can be locked out
     */
    public record Limits(int freeFailuresPerAccount, int freeFailuresPerAddress, Duration window,
            Duration firstBackoff, Duration maxBackoff) {

        public static final Limits DEFAULTS = new Limits(5, 50, Duration.ofMinutes(15),
                Duration.ofSeconds(1), Duration.ofMinutes(5));

        public Limits {
            if (freeFailuresPerAccount < 0 || freeFailuresPerAddress < 0) {
                throw new IllegalArgumentException("free failures must not be negative");
            }
            if (firstBackoff.toMillis() <= 0 || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("need 0 < firstBackoff <= maxBackoff");
            }
            // An entry expires a window after its last use; a longer block could be forgotten before it ends.
            if (window.compareTo(maxBackoff) < 0) {
                throw new IllegalArgumentException("window must be at least maxBackoff");
            }
        }
    }

    /** Thrown by {@link #check} while the account or the address is blocked; answer 429 with Retry-After. */
    public static final class TooManyAttempts extends RuntimeException {

        private final long retryAfterSeconds;

        TooManyAttempts(long retryAfterSeconds) {
            // No stack trace: thrown on every refused guess, it is an answer, not a fault. No name either.
            super("too many failed logins, retry after " + retryAfterSeconds + " s", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** What {@link #check} read: whether the account has failures on record, so a success knows to clear them. */
    public record Standing(boolean accountHasFailures) {

        static final Standing CLEAN = new Standing(false);
    }

    static final int ACCOUNT = 0;
    static final int ADDRESS = 1;

    /** Writes lost to a concurrent one on another Galera node (1213) are tried again this many times. */
    private static final int ATTEMPTS = 5;

    private static final String RAISE = "UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 2";

    /**
     * One failure, in one statement: atomic on its row whatever the number of replicas (on Galera, two of them on
     * two nodes certify against each other and the loser is tried again). MariaDB evaluates the assignments left to
     * right, each seeing the ones before: {@code failures} is the new count when {@code blocked_until_ms} is set,
     * and {@code last_failure_ms} is replaced last because the count reads the old one. The same rules as
     * {@link #backoffMillis}: the window restarts with each failure, the block doubles from the first backoff up
     * to the cap, and never shortens.
     */
    private static final String COUNT = """
            INSERT INTO login_failures (kind, subject, failures, last_failure_ms, blocked_until_ms)
            VALUES (?, ?, 1, ?, ?)
            ON DUPLICATE KEY UPDATE
              failures = IF(? - last_failure_ms >= ?, 1, LEAST(failures + 1, 2147483647)),
              blocked_until_ms = IF(failures > ?,
                  GREATEST(blocked_until_ms, ? + LEAST(?, ? << LEAST(failures - ? - 1, 40))), blocked_until_ms),
              last_failure_ms = ?""";

    private final DataSource dataSource;
    private final SecretHasher keys;
    private final Clock clock;
    private final Limits limits;

    private final FailureReads reads;

    @Inject
    public LoginThrottle(AgroalDataSource dataSource, SecretHasher keys, PortcullisConfig config, AccessEpoch epoch,
            MeterRegistry meters) {
        this(dataSource, keys, Clock.systemUTC(), new Limits(Limits.DEFAULTS.freeFailuresPerAccount(),
                config.login().freeFailuresPerAddress(), Limits.DEFAULTS.window(), Limits.DEFAULTS.firstBackoff(),
                Limits.DEFAULTS.maxBackoff()), epoch::failures, meters);
    }

    /** @param failuresEpoch the failures' count, read after the call began; {@link AccessEpoch#UNKNOWN}: no cache */
    LoginThrottle(DataSource dataSource, SecretHasher keys, Clock clock, Limits limits, LongSupplier failuresEpoch,
            MeterRegistry meters) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.clock = clock;
        this.limits = limits;
        this.reads = new FailureReads(dataSource, failuresEpoch, meters);
    }

    /**
     * Throws TooManyAttempts (with the seconds to wait) when this account or address is blocked now. One read of at
     * most two rows by primary key; nothing written.
     */
    public Standing check(String account, String address) {
        byte[] accountKey = key(ACCOUNT, accountKey(account));
        byte[] addressKey = key(ADDRESS, addressKey(address));
        if (accountKey == null && addressKey == null) {
            return Standing.CLEAN;
        }
        long[] blockedUntil = reads.blockedUntil(accountKey, addressKey);
        long now = clock.millis();
        long waitMillis = 0;
        for (long until : blockedUntil) {
            if (until != FailureReads.NO_ROW) {
                waitMillis = Math.max(waitMillis, until - now);
            }
        }
        if (waitMillis > 0) {
            // Rounded up: retrying after the advertised time must succeed.
            throw new TooManyAttempts((waitMillis + 999) / 1000);
        }
        return new Standing(blockedUntil[ACCOUNT] != FailureReads.NO_ROW);
    }

    public void failed(String account, String address) {
        long now = clock.millis();
        count(ACCOUNT, accountKey(account), limits.freeFailuresPerAccount(), now, "an account");
        count(ADDRESS, addressKey(address), limits.freeFailuresPerAddress(), now, "an address");
        raiseFailures();
    }

    /**
     * After the rows are written, never before: a check that sees the new count reads the rows as written; one that
     * read the count before may cache rows read before or after the write, but only under the count it read.
     */
    private void raiseFailures() {
        write(RAISE, s -> { });
    }

    /**
     * Forgets the account's failures, if {@link #check} found any: a correct sign-in of an account without failures
     * writes nothing. The address keeps its count: a guesser behind the same NAT could otherwise reset it by logging
     * in to an account of their own.
     */
    public void succeeded(String account, Standing standing) {
        String key = accountKey(account);
        if (key == null || !standing.accountHasFailures()) {
            return;
        }
        write("DELETE FROM login_failures WHERE kind = 0 AND subject = ?", s -> s.setBytes(1, key(ACCOUNT, key)));
        raiseFailures();
    }

    /** Deletes the rows of keys quiet for a window (they count from zero again anyway); run by every replica. */
    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetQuietKeys() {
        long before = clock.millis() - limits.window().toMillis();
        try {
            write("DELETE FROM login_failures WHERE last_failure_ms <= ? LIMIT 10000", s -> s.setLong(1, before));
            raiseFailures();
        } catch (PersistenceException e) {
            // Two replicas deleting the same rows, or the database away: the next run deletes them.
            LOG.debugf("login throttle: quiet keys not deleted this time: %s", e.getMessage());
        }
    }

    /** Rows held, for tests of the clean-up. */
    long trackedKeys() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM login_failures"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new PersistenceException(e);
        }
    }

    private void count(int kind, String key, int free, long now, String what) {
        if (key == null) {
            return;
        }
        byte[] subject = key(kind, key);
        long blockedAtOnce = free < 1 ? now + backoffMillis(1) : 0;
        write(COUNT, s -> {
            s.setInt(1, kind);
            s.setBytes(2, subject);
            s.setLong(3, now);
            s.setLong(4, blockedAtOnce);
            s.setLong(5, now);
            s.setLong(6, limits.window().toMillis());
            s.setInt(7, free);
            s.setLong(8, now);
            s.setLong(9, limits.maxBackoff().toMillis());
            s.setLong(10, limits.firstBackoff().toMillis());
            s.setInt(11, free);
            s.setLong(12, now);
        });
        // Never the name or address itself: a name may be a password typed into the wrong field.
        LOG.tracef("login throttle: a failure of %s counted", what);
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    /** One autocommitted statement, tried again when another node's concurrent write of the row won (1213). */
    private void write(String sql, Binder binder) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                binder.bind(s);
                s.executeUpdate();
                return;
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !Conflicts.isConflict(e)) {
                    throw new PersistenceException("cannot record the sign-in failure", e);
                }
                Conflicts.pause(attempt);
            }
        }
    }

    /** The HMAC of kind and key under the tokens hash key, the same on every replica (from the Secret). */
    private byte[] key(int kind, String key) {
        return key == null ? null : keys.hash((kind == ACCOUNT ? "login-account:" : "login-address:") + key);
    }

    /** firstBackoff for the first failure beyond the allowance, doubling with each further one, up to maxBackoff. */
    long backoffMillis(int failuresBeyondAllowance) {
        long max = limits.maxBackoff().toMillis();
        long wait = limits.firstBackoff().toMillis();
        for (int i = 1; i < failuresBeyondAllowance && wait < max; i++) {
            wait = wait > max / 2 ? max : wait * 2;
        }
        return Math.min(wait, max);
    }

    private static String accountKey(String account) {
        return account == null ? null : truncate(account).toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return address == null ? null : truncate(address);
    }

    private static String truncate(String key) {
        return key.length() <= MAX_KEY_LENGTH ? key : key.substring(0, MAX_KEY_LENGTH);
    }
}
