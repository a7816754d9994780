package dev.portcullis.access.auth;

import static dev.portcullis.access.auth.LoginThrottle.ACCOUNT;
import static dev.portcullis.access.auth.LoginThrottle.ADDRESS;

import com.github.benmanes.caffeine.cache.Cache;
import dev.portcullis.access.epoch.EpochCache;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The {@link LoginThrottle}'s reads of {@code login_failures}: what they found per key is cached for one value of the
 * failures' count (V19), which every failure and every reset raises after its write, so a correct sign-in whose keys
 * have no new failure anywhere reads no row of its own (docs/adr/0013-access-cache-behind-an-epoch.md).
 */
final class FailureReads {

    /** No row for a key. */
    static final long NO_ROW = Long.MIN_VALUE;

    private static final String READ = """
            SELECT kind, blocked_until_ms FROM login_failures
            WHERE (kind = 0 AND subject = ?) OR (kind = 1 AND subject = ?)""";

    private final DataSource dataSource;
    private final EpochCache<String, Long> seen;

    FailureReads(DataSource dataSource, LongSupplier failuresEpoch, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.seen = new EpochCache<>(failuresEpoch, "login-failures", 20_000, meters);
    }

    /** Each key's {@code blocked_until_ms}, or {@link #NO_ROW}: from the cache, else one read of both rows. */
    long[] blockedUntil(byte[] accountKey, byte[] addressKey) {
        Cache<String, Long> cached = seen.valuesNow();
        String[] names = {cacheKey(accountKey), cacheKey(addressKey)};
        if (cached != null) {
            Long account = names[ACCOUNT] == null ? Long.valueOf(NO_ROW) : cached.getIfPresent(names[ACCOUNT]);
            Long address = names[ADDRESS] == null ? Long.valueOf(NO_ROW) : cached.getIfPresent(names[ADDRESS]);
            if (account != null && address != null) {
                return new long[] {account, address};
            }
        }
        seen.countLoad();
        long[] found = {NO_ROW, NO_ROW};
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(READ)) {
            s.setBytes(1, accountKey);
            s.setBytes(2, addressKey);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found[rs.getInt(1)] = rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the sign-in failures", e);
        }
        if (cached != null) {
            for (int kind = ACCOUNT; kind <= ADDRESS; kind++) {
                if (names[kind] != null) {
                    cached.put(names[kind], found[kind]);
                }
            }
        }
        return found;
    }

    private static String cacheKey(byte[] key) {
        return key == null ? null : Base64.getEncoder().encodeToString(key);
    }
}
