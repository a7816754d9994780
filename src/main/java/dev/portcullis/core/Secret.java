package dev.portcullis.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A configured secret: compared in constant time, never printed. */
public final class Secret {

    private final byte[] value;

    private Secret(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Implicit converter for SmallRye Config. */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** Constant-time comparison, so the time taken reveals nothing about the secret. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The plain value, for the one place that must hand it on (e.g. hashing a password). */
    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "***";
    }
}
