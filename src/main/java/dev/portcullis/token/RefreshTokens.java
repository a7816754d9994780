package dev.portcullis.token;

import dev.portcullis.access.ApplicationToken;
import dev.portcullis.access.ApplicationTokens;
import dev.portcullis.access.User;
import dev.portcullis.access.auth.Authentication;
import dev.portcullis.access.auth.SecretHasher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

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
    ApplicationTokens applicationTokens;

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

    /** Who a refresh token for this service stands for, checked as strictly as a login. */
    @Transactional
    public Authentication redeem(String token, String service) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return new Authentication.Rejected();
        }
        RefreshToken row = RefreshToken.<RefreshToken>find("tokenHash", hasher.hash(token)).firstResultOptional()
                .orElse(null);
        if (row == null || row.revokedAt != null || !row.service.equals(service)) {
            return new Authentication.Rejected();
        }
        User user = row.user;
        var subject = user.subject();
        if (row.applicationTokenId != null) {
            ApplicationToken applicationToken = applicationTokens.live(row.applicationTokenId);
            if (applicationToken == null) {
                return new Authentication.Rejected();
            }
            subject = subject.restrictedTo(applicationToken.restriction());
        }
        if (!user.enabled) {
            return new Authentication.Disabled(user.username);
        }
        row.lastUsedAt = Instant.now();
        return new Authentication.Authenticated(user.id, subject, row.applicationTokenId);
    }
}
