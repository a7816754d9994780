package dev.portcullis.access.auth;

import dev.portcullis.access.policy.Subject;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The lookups behind every sign-in and every registry token, in plain JDBC: one indexed read each, no
 * persistence context to build and flush, no JTA transaction (inside one, the connection joins it). Measured
 * in bench/tokens.sh, the ORM's query translation and flush were a fifth of a token request's CPU. Failures are
 * thrown as {@link PersistenceException}, as the ORM throws them, so an outage is still a 503.
 */
@ApplicationScoped
class Credentials {

    /**
     * A read that misses is asked again after the node has applied every write the cluster certified before it
     * ({@code wsrep_sync_wait}, for this statement only): on Galera, an account or token created through another
     * replica on another node may not be applied here yet, and a wrong "no such token" would also count as a
     * failure against the caller's address. Only misses pay the wait (measured in bench/galera.sh); a hit, the
     * common case, is one read as before. On a MariaDB without Galera the variable does nothing.
     */
    static final String AFTER_APPLY = "SET STATEMENT wsrep_sync_wait = 1 FOR ";

    /** An account as authentication needs it. */
    record Account(long id, String username, String passwordHash, boolean admin, boolean enabled, boolean bot,
            int sessionEpoch, String source) {

        /** Whether the LDAP directory holds this account's password. */
        boolean fromLdap() {
            return "LDAP".equals(source);
        }

        Subject subject() {
            return new Subject(username, admin, enabled, bot, Subject.TokenRestriction.NONE);
        }
    }

    /**
     * An application token with its owner; validity and staleness of its last use are decided by the database's
     * clock in the same read, as everywhere else.
     */
    record Token(long id, boolean usable, boolean lastUseStale, boolean readOnly, String namespaces, Account owner,
            Instant expiresAt) {

        /** Usable as read, and not expired since: a cached token runs out on time. */
        boolean usableAt(Instant now) {
            return usable && (expiresAt == null || now.isBefore(expiresAt));
        }

        Subject.TokenRestriction restriction() {
            Set<String> names = namespaces == null || namespaces.isEmpty()
                    ? Set.of() : new TreeSet<>(Arrays.asList(namespaces.split(",")));
            return new Subject.TokenRestriction(readOnly, names);
        }
    }

    @Inject
    AgroalDataSource dataSource;

    Optional<Account> account(String username) {
        return account("username = ?", username);
    }

    Optional<Account> account(long id) {
        return account("id = ?", id);
    }

    private Optional<Account> account(String where, Object key) {
        String sql = "SELECT id, username, password_hash, admin, enabled, bot, session_epoch, source FROM users WHERE " + where;
        try (Connection c = dataSource.getConnection()) {
            Optional<Account> found = account(c, sql, key);
            // Not found: perhaps created a moment ago through another replica on another Galera node.
            return found.isPresent() ? found : account(c, AFTER_APPLY + sql, key);
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the account", e);
        }
    }

    private static Optional<Account> account(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(account(rs, 1)) : Optional.empty();
            }
        }
    }

    private static final String TOKEN_SELECT = """
            SELECT u.id, u.username, u.password_hash, u.admin, u.enabled, u.bot, u.session_epoch, u.source, t.id,
                   t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(6)),
                   t.last_used_at IS NULL OR t.last_used_at < NOW(6) - INTERVAL 60 SECOND,
                   t.read_only, t.namespaces, t.expires_at, t.legacy_hash
            FROM application_tokens t JOIN users u ON u.id = t.user_id
            """;

    /** A token imported from Portus with its bcrypt hash, the only way to check it. */
    record Legacy(Token token, String hash) {
    }

    Optional<Token> token(byte[] hash) {
        // expires_at is a DATETIME in UTC (V5); last use is written once a minute at most (Authenticator).
        String sql = TOKEN_SELECT + "WHERE t.token_hash = ?";
        try (Connection c = dataSource.getConnection()) {
            Optional<Token> found = token(c, sql, hash);
            // Not found: perhaps created a moment ago through another replica on another Galera node.
            return found.isPresent() ? found : token(c, AFTER_APPLY + sql, hash);
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the application token", e);
        }
    }

    private static Optional<Token> token(Connection c, String sql, byte[] hash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setBytes(1, hash);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
        }
    }

    private static Token token(ResultSet rs) throws SQLException {
        LocalDateTime expiresAt = rs.getObject(14, LocalDateTime.class);
        return new Token(rs.getLong(9), rs.getBoolean(10), rs.getBoolean(11), rs.getBoolean(12),
                rs.getString(13), account(rs, 1), expiresAt == null ? null : expiresAt.toInstant(ZoneOffset.UTC));
    }

    /** The user's tokens imported from Portus (at most 5 there), live or not: the caller decides. */
    List<Legacy> legacyTokens(long userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(TOKEN_SELECT
                        + "WHERE t.user_id = ? AND t.legacy_hash IS NOT NULL ORDER BY t.id")) {
            s.setLong(1, userId);
            List<Legacy> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Legacy(token(rs), rs.getString(15)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the imported tokens", e);
        }
    }

    /**
     * Replaces an imported password hash by one of ours after it matched; conditional, so a password changed
     * meanwhile stays as it was changed.
     */
    void rehash(long userId, String oldHash, String newHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
            s.setString(1, newHash);
            s.setLong(2, userId);
            s.setString(3, oldHash);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("cannot store the new password hash", e);
        }
    }

    /** Records a token's use; the condition keeps concurrent requests of the same minute from all writing. */
    void touch(long tokenId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE application_tokens SET last_used_at = NOW(6)
                        WHERE id = ? AND (last_used_at IS NULL OR last_used_at < NOW(6) - INTERVAL 60 SECOND)""")) {
            s.setLong(1, tokenId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("cannot record the token's use", e);
        }
    }

    private static Account account(ResultSet rs, int first) throws SQLException {
        return new Account(rs.getLong(first), rs.getString(first + 1), rs.getString(first + 2),
                rs.getBoolean(first + 3), rs.getBoolean(first + 4), rs.getBoolean(first + 5), rs.getInt(first + 6),
                rs.getString(first + 7));
    }
}
