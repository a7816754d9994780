package dev.portcullis.access.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.access.epoch.EpochCache;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Application tokens imported from Portus: {@code docker login} sends them as the password of their owner, and
 * only bcrypt can check them (Portus kept {@code BCrypt::Engine.hash_secret(plain, salt)}). A token that matched
 * is remembered for {@link Authenticator#VERIFIED_FOR} under the same keyed digest of name and secret as verified
 * passwords, so docker's request per layer pays no bcrypt; the token itself is read again at every access epoch,
 * so a revocation counts at once.
 */
@ApplicationScoped
class LegacyTokens {

    @Inject
    Credentials credentials;

    @Inject
    PasswordHasher hasher;

    @Inject
    AccessEpoch epoch;

    @Inject
    MeterRegistry meters;

    private EpochCache<Long, List<Credentials.Legacy>> byUser;

    /** Keyed digest of username and secret to the id of the imported token they matched. */
    private final Cache<String, Long> verified = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Authenticator.VERIFIED_FOR).build();

    @PostConstruct
    void start() {
        byUser = new EpochCache<>(epoch::access, "legacy-tokens", 10_000, meters);
    }

    /** The imported token this secret matched lately, without bcrypt; null when none did. */
    Credentials.Token remembered(long userId, String key) {
        Long id = verified.getIfPresent(key);
        return id == null ? null : tokens(userId).stream().map(Credentials.Legacy::token)
                .filter(t -> t.id() == id).findFirst().orElse(null);
    }

    /** The imported token of this user that the secret is, checked with bcrypt; null when none. */
    Credentials.Token verify(long userId, String secret, String key) {
        for (Credentials.Legacy legacy : tokens(userId)) {
            if (hasher.matchesToken(secret, legacy.hash())) {
                verified.put(key, legacy.token().id());
                return legacy.token();
            }
        }
        return null;
    }

    private List<Credentials.Legacy> tokens(long userId) {
        return byUser.get(userId, credentials::legacyTokens);
    }
}
