package dev.portcullis.access.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.access.epoch.EpochCache;
import dev.portcullis.core.Refusal;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Checks credentials for the token endpoint and the API alike: a password (bcrypt) or an application token
 * (keyed hash), behind the brute-force throttle. Unknown accounts cost the same time as wrong passwords.
 */
@ApplicationScoped
public class Authenticator {

    public static final String TOKEN_PREFIX = "pcat_";
    static final Duration VERIFIED_FOR = Duration.ofMinutes(5);

    @Inject
    PasswordHasher hasher;

    @Inject
    SecretHasher secrets;

    @Inject
    LoginThrottle throttle;

    @Inject
    Credentials credentials;

    @Inject
    PasswordDirectory directory;

    @Inject
    VerifiedDirectoryPasswords directoryPasswords;

    @Inject
    LegacyTokens legacyTokens;

    @Inject
    AccessEpoch epoch;

    @Inject
    MeterRegistry meters;

    /** Accounts and application tokens as of the current access epoch: a hit costs no read of its own. */
    private EpochCache<String, Credentials.Account> accounts;
    private EpochCache<String, Credentials.Token> tokens;

    /** Tokens whose last use this replica wrote (or found fresh) within the minute. */
    private final Cache<Long, Boolean> touched = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(60)).build();

    @PostConstruct
    void start() {
        accounts = new EpochCache<>(epoch::access, "accounts", 10_000, meters);
        tokens = new EpochCache<>(epoch::access, "application-tokens", 10_000, meters);
    }

    /**
     * Passwords verified lately: a client sending the same correct password on every request pays bcrypt once
     * per window. Keyed by an HMAC of username and password (never the password); the value is the bcrypt hash
     * it matched, so a password change makes the entry useless at once, and every hit still loads the account
     * (a disabled one is refused as before).
     */
    private final Cache<String, String> verified = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(VERIFIED_FOR).build();

    /**
     * Username and password or application token, as HTTP Basic and {@code docker login} send them. No transaction
     * of its own: one indexed read, and a write at most once a minute per application token.
     */
    public Authentication authenticate(String username, String secret, String address) {
        if (username == null || secret == null || username.length() > 64 || secret.length() > 1024) {
            return new Authentication.Rejected();
        }
        String account = username.toLowerCase();
        LoginThrottle.Standing standing = checkThrottle(account, address);
        Authentication result = secret.startsWith(TOKEN_PREFIX)
                ? byToken(username, secret)
                : byPassword(username, secret);
        record(result, account, address, standing);
        return result;
    }

    /** An application token alone, as {@code Authorization: Bearer} on the API sends it. */
    public Authentication authenticateBearer(String secret, String address) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX) || secret.length() > 1024) {
            return new Authentication.Rejected();
        }
        LoginThrottle.Standing standing = checkThrottle(null, address);
        Authentication result = byToken(null, secret);
        record(result, null, address, standing);
        return result;
    }

    /**
     * A signed-in web session, checked again on every request: the account must still exist and be enabled, and
     * the session must be of the account's current epoch, so disabling or deleting the account, or signing out,
     * ends its sessions at once. A session is only ever opened with a password.
     *
     * @param principal what the session cookie names: a {@link SessionTicket}
     */
    public Authentication session(String principal) {
        SessionTicket ticket = SessionTicket.parse(principal);
        Credentials.Account user = ticket == null ? null : credentials.account(ticket.username()).orElse(null);
        if (user == null || user.sessionEpoch() != ticket.epoch()) {
            return new Authentication.Rejected();
        }
        return user.enabled()
                ? new Authentication.Authenticated(user.id(), user.subject(), null)
                : new Authentication.Disabled(user.username());
    }

    /** What a new web session of this account carries: its name and current session epoch. */
    public SessionTicket ticket(long userId) {
        Credentials.Account user = credentials.account(userId)
                .orElseThrow(() -> new IllegalStateException("no account " + userId));
        return new SessionTicket(user.username(), user.sessionEpoch());
    }

    private Authentication byPassword(String username, String password) {
        Credentials.Account user = accounts.get(username, name -> credentials.account(name).orElse(null));
        String key = Base64.getEncoder().encodeToString(secrets.hash(username + '\0' + password));
        // A Portus token in the password field (docker login with one), matched lately: no bcrypt.
        Credentials.Token imported = user == null ? null : legacyTokens.remembered(user.id(), key);
        if (imported != null) {
            return byToken(username, imported);
        }
        // A local account's password is checked here, whatever the directory holds: a local admin can always sign
        // in. The directory is asked for every other name, and for the accounts it made.
        if (directory.enabled() && (user == null || user.fromLdap())) {
            Authentication result = byDirectory(username, password);
            return result instanceof Authentication.Rejected && user != null
                    ? byImportedToken(user, username, password, key) : result;
        }
        if (user == null || user.passwordHash() == null) {
            if (user != null) { // a bot: no password, perhaps tokens from Portus
                Authentication result = byImportedToken(user, username, password, key);
                if (result instanceof Authentication.Rejected) {
                    hasher.matchDecoy(password); // as long as an unknown name takes
                }
                return result;
            }
            hasher.matchDecoy(password); // the same time as a real check: no account enumeration by timing
            return new Authentication.Rejected();
        }
        if (!user.passwordHash().equals(verified.getIfPresent(key))) {
            if (!hasher.matches(password, user.passwordHash())) {
                return byImportedToken(user, username, password, key);
            }
            if (hasher.needsRehash(user.passwordHash())) { // imported from Portus: ours from now on
                credentials.rehash(user.id(), user.passwordHash(), hasher.hash(password));
            }
            verified.put(key, user.passwordHash());
        }
        return user.enabled()
                ? new Authentication.Authenticated(user.id(), user.subject(), null)
                : new Authentication.Disabled(user.username());
    }

    /**
     * A directory password: the directory binds as the person (no bind with an empty password, which LDAP takes
     * as anonymous, RFC 4513 §5.1.2), unless the same password opened the account lately.
     */
    private Authentication byDirectory(String username, String password) {
        if (password.isEmpty()) {
            hasher.matchDecoy(password);
            return new Authentication.Rejected();
        }
        String name = username.toLowerCase(Locale.ROOT);
        byte[] proof = secrets.hash("directory\0" + name + '\0' + password);
        long userId = directoryPasswords.userIdFor(name, proof);
        if (userId < 0) {
            OptionalLong signedIn = directory.signIn(username, password);
            if (signedIn.isEmpty()) {
                directoryPasswords.forget(name);
                return new Authentication.Rejected();
            }
            userId = signedIn.getAsLong();
            directoryPasswords.remember(name, proof, userId);
        }
        Credentials.Account user = credentials.account(userId).orElse(null);
        if (user == null) {
            directoryPasswords.forget(name);
            return new Authentication.Rejected();
        }
        return user.enabled()
                ? new Authentication.Authenticated(user.id(), user.subject(), null)
                : new Authentication.Disabled(user.username());
    }

    /** A token imported from Portus that the password may be; Rejected when it is none of them. */
    private Authentication byImportedToken(Credentials.Account user, String username, String secret, String key) {
        Credentials.Token token = legacyTokens.verify(user.id(), secret, key);
        return token == null ? new Authentication.Rejected() : byToken(username, token);
    }

    private Authentication byToken(String username, String secret) {
        byte[] hash = secrets.hash(secret);
        Credentials.Token token = tokens.get(Base64.getEncoder().encodeToString(hash), key -> {
            Credentials.Token read = credentials.token(hash).orElse(null);
            if (read != null && !read.lastUseStale()) {
                touched.put(read.id(), Boolean.TRUE);
            }
            return read;
        });
        return byToken(username, token);
    }

    private Authentication byToken(String username, Credentials.Token token) {
        if (token == null || !token.usableAt(Instant.now())
                || username != null && !username.equals(token.owner().username())) {
            return new Authentication.Rejected();
        }
        if (!token.owner().enabled()) {
            return new Authentication.Disabled(token.owner().username());
        }
        if (touched.asMap().putIfAbsent(token.id(), Boolean.TRUE) == null) {
            credentials.touch(token.id()); // conditional: a write at most once a minute across replicas
        }
        return new Authentication.Authenticated(token.owner().id(),
                token.owner().subject().restrictedTo(token.restriction()), token.id());
    }

    /** A 429 while the account or the address is slowed down (see {@link LoginThrottle}). */
    public LoginThrottle.Standing checkThrottle(String account, String address) {
        try {
            return throttle.check(account, address);
        } catch (LoginThrottle.TooManyAttempts e) {
            throw Refusal.throttled("too many failed sign-ins, retry in " + e.retryAfterSeconds() + " s",
                    Duration.ofSeconds(e.retryAfterSeconds()));
        }
    }

    private void record(Authentication result, String account, String address, LoginThrottle.Standing standing) {
        if (result instanceof Authentication.Rejected) {
            throttle.failed(account, address);
        } else if (account != null) {
            throttle.succeeded(account, standing);
        }
    }
}
