package dev.portcullis.token;

import dev.portcullis.access.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Refresh tokens: 256 random bits, bound to one user and one service, never rotated (docker's credential
 * store keeps the first one it got), stored as SHA-256 (a fast hash suffices for a high-entropy secret).
 */
@ApplicationScoped
public class RefreshTokens {

    static final String PREFIX = "pcr_";
    private final SecureRandom random = new SecureRandom();

    @Transactional
    public String create(User user, String service, String clientId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        RefreshToken row = new RefreshToken();
        row.tokenHash = hash(token);
        row.user = User.findById(user.id);
        row.service = service;
        row.clientId = clientId == null || clientId.length() > 128 ? null : clientId;
        row.persist();
        return token;
    }

    /** The user a live refresh token for this service belongs to (enabled or not: the caller decides). */
    @Transactional
    public Optional<User> redeem(String token, String service) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        Optional<RefreshToken> row = RefreshToken.find("tokenHash", hash(token)).firstResultOptional();
        return row.filter(r -> r.revokedAt == null && r.service.equals(service))
                .map(r -> {
                    r.lastUsedAt = Instant.now();
                    return r.user;
                });
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
