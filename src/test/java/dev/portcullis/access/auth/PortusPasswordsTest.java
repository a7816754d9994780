package dev.portcullis.access.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.Portus;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Passwords imported from Portus: Devise's bcrypt ({@code $2a$10$}) of {@code password + pepper} verifies with the
 * configured pepper, and without one when Portus had none; our own hashes are never tried with the pepper.
 */
class PortusPasswordsTest {

    static PasswordHasher hasher(String pepper) {
        Portus portus = (Portus) Proxy.newProxyInstance(Portus.class.getClassLoader(), new Class<?>[] {Portus.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "pepper" -> Optional.ofNullable(pepper).map(Secret::of);
                    case "progressEvery" -> 1000;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        PortcullisConfig config = (PortcullisConfig) Proxy.newProxyInstance(PortcullisConfig.class.getClassLoader(),
                new Class<?>[] {PortcullisConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("portus")) {
                        return portus;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new PasswordHasher(new SimpleMeterRegistry(), config);
    }

    @Test
    void deviseHashesVerifyAsTheyAre() {
        PasswordHasher hasher = hasher(null);
        String devise = BcryptUtil.bcryptHash("old-password", 10);
        assertTrue(hasher.matches("old-password", devise));
        assertFalse(hasher.matches("other-password", devise));
        assertTrue(hasher.needsRehash(devise));
        assertFalse(hasher.needsRehash(hasher.hash("new-password")));
    }

    @Test
    void thePepperIsAppendedAsDeviseDid() {
        PasswordHasher hasher = hasher("s3cret-pepper");
        String devise = BcryptUtil.bcryptHash("old-password" + "s3cret-pepper", 10);
        assertTrue(hasher.matches("old-password", devise));
        assertFalse(hasher.matches("old-passwords3cret", devise));
        assertFalse(hasher(null).matches("old-password", devise), "without the pepper it cannot match");
        // A hash of ours is of the password alone: the pepper never makes another password match it.
        assertFalse(hasher.matches("pw", hasher.hash("pw" + "s3cret-pepper")));
    }

    @Test
    void tokensAreCheckedWithoutThePepper() {
        PasswordHasher hasher = hasher("s3cret-pepper");
        String portusToken = BcryptUtil.bcryptHash("Xy3_kP9zQm2vLr8sTn4w", 10);
        assertTrue(hasher.matchesToken("Xy3_kP9zQm2vLr8sTn4w", portusToken));
        assertFalse(hasher.matchesToken("Xy3_kP9zQm2vLr8sTn4x", portusToken));
    }
}
