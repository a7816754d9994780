package dev.portcullis.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.access.User;
import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.access.epoch.EpochCache;
import dev.portcullis.access.auth.Authentication;
import dev.portcullis.access.auth.SecretHasher;
import dev.portcullis.access.policy.Subject;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refresh tokens: 256 random bits, bound to one user and one service, never rotated (docker's credential
 * store keeps the first one it got), stored as a keyed hash. One got with an application token keeps that
 * token's limits and stops working with it.
 */
@ApplicationScoped
public class RefreshTokens {

    static final String PREFIX = "pcr_";

    @Inject
    SecretHasher hasher;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AccessEpoch epoch;

    @Inject
    MeterRegistry meters;

    @Transactional
    public String create(Authentication.Authenticated login, String service, String clientId) {
        String token = SecretHasher.newSecret(PREFIX);
        RefreshToken row = new RefreshToken();
        row.tokenHash = hasher.hash(token);
        row.user = User.findById(login.userId());
        row.applicationTokenId = login.applicationTokenId();
        row.service = service;
        row.clientId = clientId == null || clientId.length() > 128 ? null : clientId;
        row.persist();
        return token;
    }

    /** A refresh token's row as redemption needs it, cached for the current access epoch. */
    private record Row(long id, String service, boolean revoked, boolean lastUseStale, long userId, Subject owner,
            Long through, boolean throughUsable, Instant throughExpiresAt, boolean throughReadOnly,
            String throughNamespaces) {
    }

    private EpochCache<String, Row> rows;

    /** Refresh tokens whose last use this replica wrote (or found fresh) within the minute. */
    private final Cache<Long, Boolean> touched = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(60)).build();

    @PostConstruct
    void start() {
        rows = new EpochCache<>(epoch::access, "refresh-tokens", 10_000, meters);
    }

    /**
     * Who a refresh token for this service stands for, checked as strictly as a login. docker sends it for every
     * repository it touches, so its row (token, owner and the application token it came through) is cached for the
     * current access epoch, read in plain JDBC outside any transaction on a miss, and its last use is written once
     * a minute at most, as for application tokens: not a durable commit per token request.
     */
    public Authentication redeem(String token, String service) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return new Authentication.Rejected();
        }
        byte[] hash = hasher.hash(token);
        Row row = rows.get(Base64.getEncoder().encodeToString(hash), key -> read(hash));
        if (row == null || row.revoked() || !row.service().equals(service)) {
            return new Authentication.Rejected();
        }
        Subject subject = row.owner();
        if (row.through() != null) {
            if (!row.throughUsable() || row.throughExpiresAt() != null && !Instant.now().isBefore(row.throughExpiresAt())) {
                return new Authentication.Rejected();
            }
            String namespaces = row.throughNamespaces();
            subject = subject.restrictedTo(new Subject.TokenRestriction(row.throughReadOnly(),
                    namespaces == null || namespaces.isEmpty() ? Set.of()
                            : new TreeSet<>(Arrays.asList(namespaces.split(",")))));
        }
        if (!subject.enabled()) {
            return new Authentication.Disabled(subject.name());
        }
        if (touched.asMap().putIfAbsent(row.id(), Boolean.TRUE) == null) {
            touch(row.id());
        }
        return new Authentication.Authenticated(row.userId(), subject, row.through());
    }

    private Row read(byte[] hash) {
        String sql = """
                SELECT r.id, r.service, r.revoked_at IS NOT NULL,
                       r.last_used_at IS NULL OR r.last_used_at < NOW(6) - INTERVAL 60 SECOND,
                       u.id, u.username, u.admin, u.enabled, u.bot, r.application_token_id,
                       t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(6)),
                       t.expires_at, t.read_only, t.namespaces
                FROM refresh_tokens r JOIN users u ON u.id = r.user_id
                LEFT JOIN application_tokens t ON t.id = r.application_token_id
                WHERE r.token_hash = ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setBytes(1, hash);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long applicationTokenId = rs.getLong(10);
                Long through = rs.wasNull() ? null : applicationTokenId;
                LocalDateTime expiresAt = rs.getObject(12, LocalDateTime.class);
                Row row = new Row(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getLong(5),
                        new Subject(rs.getString(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                                Subject.TokenRestriction.NONE),
                        through, rs.getBoolean(11), expiresAt == null ? null : expiresAt.toInstant(ZoneOffset.UTC),
                        rs.getBoolean(13), rs.getString(14));
                if (!row.lastUseStale()) {
                    touched.put(row.id(), Boolean.TRUE);
                }
                return row;
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the refresh token", e);
        }
    }

    /** The condition keeps concurrent requests of the same minute, on any replica, from all writing. */
    private void touch(long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE refresh_tokens SET last_used_at = NOW(6)
                WHERE id = ? AND (last_used_at IS NULL OR last_used_at < NOW(6) - INTERVAL 60 SECOND)""")) {
            s.setLong(1, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("cannot record the refresh token's use", e);
        }
    }
}
