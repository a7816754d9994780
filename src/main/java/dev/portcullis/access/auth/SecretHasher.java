package dev.portcullis.access.auth;

import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 for high-entropy secrets (application and refresh tokens): fast, because a 256-bit random secret
 * cannot be guessed, and keyed, so a copy of the table alone does not even confirm a leaked token.
 */
@ApplicationScoped
public class SecretHasher {

    static final String KEY_FILE = "token-hash-key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    @Inject
    public SecretHasher(PortcullisConfig config) {
        this(config.tokens().hashKey().map(s -> s.reveal().getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> loadOrGenerate(config.dataDir().resolve(KEY_FILE))));
    }

    SecretHasher(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public byte[] hash(String secret) {
        return macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A new random secret: 256 bits, base64url, behind a prefix that secret scanners can match. */
    public static String newSecret(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static byte[] loadOrGenerate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), KEY_FILE, ".tmp");
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.writeString(tmp, newSecret(""), StandardCharsets.US_ASCII);
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException raced) {
                    Files.delete(tmp); // another process made it first: use theirs
                }
            }
            return Files.readString(file, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token hash key " + file, e);
        }
    }
}
