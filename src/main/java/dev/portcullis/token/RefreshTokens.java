package dev.portcullis.token;

import dev.portcullis.access.User;
import dev.portcullis.access.auth.Authentication;
import dev.portcullis.access.auth.SecretHasher;
import dev.portcullis.access.policy.Subject;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /**
     * Who a refresh token for this service stands for, checked as strictly as a login. docker sends it for every
     * repository it touches, so it is one indexed read in plain JDBC outside any transaction (token, owner and the
     * application token it came through, validity by the database's clock), and its last use is written once a
     * minute at most, as for application tokens: not a durable commit per token request.
     */
    public Authentication redeem(String token, String service) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return new Authentication.Rejected();
        }
        String sql = """
                SELECT r.id, r.service, r.revoked_at IS NULL,
                       r.last_used_at IS NULL OR r.last_used_at < NOW(6) - INTERVAL 60 SECOND,
                       u.id, u.username, u.admin, u.enabled, u.bot, r.application_token_id,
                       t.id IS NOT NULL AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(6)),
                       t.read_only, t.namespaces
                FROM refresh_tokens r JOIN users u ON u.id = r.user_id
                LEFT JOIN application_tokens t ON t.id = r.application_token_id
                WHERE r.token_hash = ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setBytes(1, hasher.hash(token));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(3) || !rs.getString(2).equals(service)) {
                    return new Authentication.Rejected();
                }
                String username = rs.getString(6);
                boolean enabled = rs.getBoolean(8);
                Subject subject = new Subject(username, rs.getBoolean(7), enabled, rs.getBoolean(9),
                        Subject.TokenRestriction.NONE);
                long applicationTokenId = rs.getLong(10);
                Long through = rs.wasNull() ? null : applicationTokenId;
                if (through != null) {
                    if (!rs.getBoolean(11)) {
                        return new Authentication.Rejected();
                    }
                    String namespaces = rs.getString(13);
                    subject = subject.restrictedTo(new Subject.TokenRestriction(rs.getBoolean(12),
                            namespaces == null || namespaces.isEmpty() ? Set.of()
                                    : new TreeSet<>(Arrays.asList(namespaces.split(",")))));
                }
                if (!enabled) {
                    return new Authentication.Disabled(username);
                }
                if (rs.getBoolean(4)) {
                    touch(c, rs.getLong(1));
                }
                return new Authentication.Authenticated(rs.getLong(5), subject, through);
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the refresh token", e);
        }
    }

    /** The condition keeps concurrent requests of the same minute from all writing. */
    private static void touch(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE refresh_tokens SET last_used_at = NOW(6)
                WHERE id = ? AND (last_used_at IS NULL OR last_used_at < NOW(6) - INTERVAL 60 SECOND)""")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }
}
