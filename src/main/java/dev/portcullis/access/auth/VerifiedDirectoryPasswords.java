package dev.portcullis.access.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Directory passwords verified lately, so that docker's token per layer does not cost a bind each: one entry per
 * name, the keyed hash of the last password the directory accepted (never the password) and the account it opened.
 * A wrong password drops the name's entry, and every sync drops them all (the directory may have changed the
 * password or let the person go); entries never outlive {@link #MAX_AGE}.
 */
@ApplicationScoped
public class VerifiedDirectoryPasswords {

    static final Duration MAX_AGE = Duration.ofMinutes(5);

    record Verified(byte[] proof, long userId) {
    }

    private final Cache<String, Verified> verified = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(MAX_AGE).build();

    /** The account the name opened with this proof lately, or -1. */
    long userIdFor(String name, byte[] proof) {
        Verified entry = verified.getIfPresent(name);
        return entry != null && MessageDigest.isEqual(entry.proof(), proof) ? entry.userId() : -1;
    }

    void remember(String name, byte[] proof, long userId) {
        verified.put(name, new Verified(proof, userId));
    }

    void forget(String name) {
        verified.invalidate(name);
    }

    /** At every sync: from now on each name is checked against the directory again. */
    public void forgetAll() {
        verified.invalidateAll();
    }
}
