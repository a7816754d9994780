package dev.portcullis.access.auth;

import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;

/** bcrypt (cost 12) for stored passwords: slow on purpose, so a stolen table is slow to crack. */
@ApplicationScoped
public class PasswordHasher {

    static final int COST = 12;

    /** Checked against when the account does not exist, so that both answers take the same time. */
    private final String decoy = BcryptUtil.bcryptHash("decoy-password-for-timing", COST);

    public String hash(String password) {
        return BcryptUtil.bcryptHash(password, COST);
    }

    public boolean matches(String password, String hash) {
        return BcryptUtil.matches(password, hash == null ? decoy : hash);
    }

    /** Burns the same time as a real check; used for unknown accounts. */
    public void matchDecoy(String password) {
        BcryptUtil.matches(password, decoy);
    }
}
