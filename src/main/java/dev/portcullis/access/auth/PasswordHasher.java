package dev.portcullis.access.auth;

import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Secret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * bcrypt (cost 12) for stored passwords: slow on purpose, so a stolen table is slow to crack. Every check is
 * counted ({@code portcullis_password_checks_total}), decoys included: a known and an unknown account cost one each.
 * Hashes imported from Portus (Devise's bcrypt, {@code $2a$10$}) verify as they are; when Portus had a pepper,
 * Devise hashed {@code password + pepper}, which is tried second for hashes not of our own cost.
 */
@ApplicationScoped
public class PasswordHasher {

    static final int COST = 12;
    /** How every hash made here begins; any other (an imported one) is replaced at its first successful check. */
    static final String OURS = "$2a$" + COST + "$";

    /** Checked against when the account does not exist, so that both answers take the same time. */
    private final String decoy = BcryptUtil.bcryptHash("decoy-password-for-timing", COST);
    private final Counter checks;
    private final Optional<Secret> pepper;

    @Inject
    public PasswordHasher(MeterRegistry meters, PortcullisConfig config) {
        pepper = config.portus().pepper();
        checks = Counter.builder("portcullis.password.checks")
                .description("bcrypt verifications, against an account's hash or the decoy of an unknown one")
                .register(meters);
    }

    public String hash(String password) {
        return BcryptUtil.bcryptHash(password, COST);
    }

    public boolean matches(String password, String hash) {
        checks.increment();
        if (BcryptUtil.matches(password, hash == null ? decoy : hash)) {
            return true;
        }
        if (hash == null || pepper.isEmpty() || !needsRehash(hash)) {
            return false;
        }
        checks.increment();
        return BcryptUtil.matches(password + pepper.get().reveal(), hash);
    }

    /** Whether a hash that matched was made elsewhere (Portus) and should be replaced by one of ours. */
    public boolean needsRehash(String hash) {
        return !hash.startsWith(OURS);
    }

    /** An application token imported from Portus against its bcrypt hash (no pepper: Devise's is for passwords). */
    public boolean matchesToken(String secret, String hash) {
        checks.increment();
        return BcryptUtil.matches(secret, hash);
    }

    /** Burns the same time as a real check; used for unknown accounts. */
    public void matchDecoy(String password) {
        checks.increment();
        BcryptUtil.matches(password, decoy);
    }
}
