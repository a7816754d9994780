package dev.portcullis.access.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * bcrypt (cost 12) for stored passwords: slow on purpose, so a stolen table is slow to crack. Every check is
 * counted ({@code portcullis_password_checks_total}), decoys included: a known and an unknown account cost one each.
 */
@ApplicationScoped
public class PasswordHasher {

    static final int COST = 12;

    /** Checked against when the account does not exist, so that both answers take the same time. */
    private final String decoy = BcryptUtil.bcryptHash("decoy-password-for-timing", COST);
    private final Counter checks;

    @Inject
    public PasswordHasher(MeterRegistry meters) {
        checks = Counter.builder("portcullis.password.checks")
                .description("bcrypt verifications, against an account's hash or the decoy of an unknown one")
                .register(meters);
    }

    public String hash(String password) {
        return BcryptUtil.bcryptHash(password, COST);
    }

    public boolean matches(String password, String hash) {
        checks.increment();
        return BcryptUtil.matches(password, hash == null ? decoy : hash);
    }

    /** Burns the same time as a real check; used for unknown accounts. */
    public void matchDecoy(String password) {
        checks.increment();
        BcryptUtil.matches(password, decoy);
    }
}
