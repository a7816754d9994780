package dev.portcullis.access.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Slows down, then refuses, password guessing against one account name or from one client address.
 *
 * <p>Failures are counted per key. The first few are free (typos); each one beyond that blocks the key
 * for a doubling time, up to a cap. While a key is blocked the caller refuses the attempt before checking
 * the password, which is what makes guessing slow. The throttle never looks accounts up: it counts the
 * names it is given, so a name that exists and one that does not are treated the same.
 *
 * <p>Caller's order: {@link #check}, then verify the password, then {@link #failed} or {@link #succeeded}.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    /** Keys tracked per map; least-used keys are dropped beyond this, so millions of names fit in bounded memory. */
    static final int MAX_KEYS = 100_000;

    /** Longer keys are cut, so memory is bounded in bytes and not only in entries (usernames are at most 64). */
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

    /** The failures of one key. Immutable: replaced as a whole inside an atomic compute. */
    private record Failures(int count, long lastFailureMillis, long blockedUntilMillis) {
    }

    private final Clock clock;
    private final Limits limits;
    private final Cache<String, Failures> accounts;
    private final Cache<String, Failures> addresses;

    @Inject
    public LoginThrottle(PortcullisConfig config) {
        this(Clock.systemUTC(), new Limits(Limits.DEFAULTS.freeFailuresPerAccount(),
                config.login().freeFailuresPerAddress(), Limits.DEFAULTS.window(), Limits.DEFAULTS.firstBackoff(),
                Limits.DEFAULTS.maxBackoff()));
    }

    LoginThrottle(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        // Two maps, so an account named like an address never shares its counter.
        this.accounts = boundedMap(clock, limits.window());
        this.addresses = boundedMap(clock, limits.window());
    }

    /** Throws TooManyAttempts (with the seconds to wait) when this account or address is blocked now. */
    public void check(String account, String address) {
        long now = clock.millis();
        long waitMillis = Math.max(
                remainingBlock(accounts, accountKey(account), now),
                remainingBlock(addresses, addressKey(address), now));
        if (waitMillis > 0) {
            // Rounded up: retrying after the advertised time must succeed.
            throw new TooManyAttempts((waitMillis + 999) / 1000);
        }
    }

    public void failed(String account, String address) {
        long now = clock.millis();
        count(accounts, accountKey(account), limits.freeFailuresPerAccount(), now, "an account");
        count(addresses, addressKey(address), limits.freeFailuresPerAddress(), now, "an address");
    }

    /** Forgets the account's failures. The address keeps its count: a guesser behind the same NAT could
     *  otherwise reset it by logging in to an account of their own. */
    public void succeeded(String account) {
        String key = accountKey(account);
        if (key != null) {
            accounts.invalidate(key);
        }
    }

    /** Keys currently held, after pending evictions; for tests of the memory bound. */
    long trackedKeys() {
        accounts.cleanUp();
        addresses.cleanUp();
        return accounts.estimatedSize() + addresses.estimatedSize();
    }

    private static Cache<String, Failures> boundedMap(Clock clock, Duration window) {
        return Caffeine.newBuilder()
                // Size-based eviction keeps frequently hit keys (the account under attack) over
                // one-off names, so a flood of random names does not wash a real block out.
                .maximumSize(MAX_KEYS)
                .expireAfterAccess(window)
                // Expiry follows the same clock as the counting, so both agree (and tests move both).
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // Housekeeping on the caller's thread: tiny, and no surprise work on the common pool.
                .executor(Runnable::run)
                .build();
    }

    private static long remainingBlock(Cache<String, Failures> map, String key, long now) {
        if (key == null) {
            return 0;
        }
        Failures failures = map.getIfPresent(key);
        return failures == null ? 0 : Math.max(0, failures.blockedUntilMillis() - now);
    }

    private void count(Cache<String, Failures> map, String key, int free, long now, String kind) {
        if (key == null) {
            return;
        }
        // compute() on the map view is atomic per key: concurrent failures are never lost.
        Failures after = map.asMap().compute(key, (k, before) -> next(before, free, now));
        if (after.count() > free && LOG.isDebugEnabled()) {
            // Never the name or address itself: a name may be a password typed into the wrong field.
            LOG.debugf("login throttle: %s is blocked for %d ms after %d failures",
                    kind, after.blockedUntilMillis() - now, after.count());
        }
    }

    private Failures next(Failures before, int free, long now) {
        // The window restarts with each failure, so a key is forgotten after a quiet window. Unlike a
        // fixed window this gives a persistent guesser no fresh allowance at a boundary, and it needs
        // no list of timestamps per key.
        boolean forgotten = before == null || now - before.lastFailureMillis() >= limits.window().toMillis();
        int count = forgotten ? 1 : saturatingIncrement(before.count());
        long blockedUntil = before == null ? 0 : before.blockedUntilMillis();
        if (count > free) {
            // max(): two requests that passed check() together must not shorten each other's block.
            blockedUntil = Math.max(blockedUntil, now + backoffMillis(count - free));
        }
        return new Failures(count, now, blockedUntil);
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

    private static int saturatingIncrement(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
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
