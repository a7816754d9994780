package dev.portcullis.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.access.AccessService;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.token.signing.TokenSigner;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mints registry tokens: {@code access} = requested ∩ allowed for each scope, {@code sub} = the authenticated
 * subject (never the {@code account} parameter), {@code aud} = the registry's service as a JSON string.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/jwt/">Token authentication implementation</a>
 */
@ApplicationScoped
public class TokenIssuer {

    /** The registry allows 60 s of clock skew; backdating nbf a little covers ours. */
    static final long NOT_BEFORE_LEEWAY_SECONDS = 5;
    static final long MIN_EXPIRES_IN = 60;

    private final SecureRandom random = new SecureRandom();

    @Inject
    AccessService access;

    @Inject
    TokenSigner signer;

    @Inject
    PortcullisConfig config;

    @Inject
    ObjectMapper json;

    /**
     * A client asks again for the same scopes within seconds (docker per layer, CI jobs in parallel): the token
     * minted then is handed out again, with its own {@code issued_at} and what is left of its lifetime. Only the
     * signature is saved: the caller was authenticated and the access decided anew, and a token is reused only
     * for the same subject and exactly the same granted access, so a revocation takes effect at once.
     */
    static final Duration REUSE_WINDOW = Duration.ofSeconds(15);

    private record Grant(Subject subject, List<Scope> granted) {
    }

    private Cache<Grant, IssuedToken> recent;

    @Inject
    Clock clock;

    @PostConstruct
    void start() {
        // Timed by the same clock as the tokens' times, so that a test's clock moves both.
        recent = Caffeine.newBuilder().maximumSize(5_000).expireAfterWrite(REUSE_WINDOW)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
    }

    public IssuedToken issue(Subject subject, List<Scope> requested) {
        List<Scope> granted = new ArrayList<>(requested.size());
        for (Decision decision : access.decide(subject, requested)) {
            granted.add(decision.granted());
        }
        Grant grant = new Grant(subject, List.copyOf(granted));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        IssuedToken earlier = recent.getIfPresent(grant);
        if (earlier != null) {
            long left = earlier.expiresIn() - Duration.between(earlier.issuedAt(), now).toSeconds();
            if (left > MIN_EXPIRES_IN / 2) {
                return new IssuedToken(earlier.jwt(), earlier.issuedAt(), left, earlier.granted());
            }
        }
        IssuedToken token = mint(subject, grant.granted(), now);
        recent.put(grant, token);
        return token;
    }

    private IssuedToken mint(Subject subject, List<Scope> granted, Instant now) {
        long expiresIn = Math.max(MIN_EXPIRES_IN, config.token().expiration().toSeconds());

        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", config.token().issuer());
        claims.put("sub", subject.name());
        claims.put("aud", config.registry().service());
        claims.put("exp", now.getEpochSecond() + expiresIn);
        claims.put("nbf", now.getEpochSecond() - NOT_BEFORE_LEEWAY_SECONDS);
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", jti());
        List<Map<String, Object>> accessClaim = new ArrayList<>(granted.size());
        for (Scope scope : granted) {
            accessClaim.add(Map.of("type", scope.type(), "name", scope.name(), "actions", List.copyOf(scope.actions())));
        }
        claims.put("access", accessClaim);
        try {
            return new IssuedToken(signer.sign(json.writeValueAsString(claims)), now, expiresIn, granted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write token claims", e);
        }
    }

    private String jti() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
