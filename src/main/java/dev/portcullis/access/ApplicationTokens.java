package dev.portcullis.access;

import dev.portcullis.access.auth.Authenticator;
import dev.portcullis.access.auth.SecretHasher;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Application tokens: created for oneself (or by an admin for anyone, bots included), shown once, revocable. */
@ApplicationScoped
public class ApplicationTokens {

    static final int MAX_LIVE_TOKENS = 50;
    static final int MAX_NAME = 100;
    /** The width of the column application_tokens.namespaces, which holds the names comma-separated. */
    static final int MAX_NAMESPACES_LENGTH = 4096;

    @Inject
    SecretHasher hasher;

    @Inject
    Event<AccessChanged> changes;

    /** A new token and its secret, which exists only in this answer. */
    public record Created(ApplicationToken token, String secret) {
    }

    /** The live token a refresh token was issued through; null when it was revoked or has expired. */
    @Transactional
    public ApplicationToken live(Long id) {
        ApplicationToken token = ApplicationToken.findById(id);
        return token != null && token.usableAt(Instant.now()) ? token : null;
    }

    @Transactional
    public Created create(Subject actor, String username, String name, Instant expiresAt, boolean readOnly,
            List<String> namespaces) {
        User owner = owner(actor, username);
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw Refusal.invalid("name is required, at most " + MAX_NAME + " characters");
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw Refusal.invalid("expiresAt must be in the future");
        }
        Set<String> limitedTo = new TreeSet<>();
        for (String ns : namespaces == null ? List.<String>of() : namespaces) {
            if (!RepositoryName.isComponent(ns) && !NamespaceFacts.GLOBAL_NAME.equals(ns)) {
                throw Refusal.invalid("'" + ns + "' is not a namespace name");
            }
            limitedTo.add(ns);
        }
        if (String.join(",", limitedTo).length() > MAX_NAMESPACES_LENGTH) {
            throw Refusal.invalid("namespaces: at most " + MAX_NAMESPACES_LENGTH + " characters in all");
        }
        if (ApplicationToken.count("user = ?1 and revokedAt is null", owner) >= MAX_LIVE_TOKENS) {
            throw Refusal.conflict(username + " has " + MAX_LIVE_TOKENS + " live tokens: revoke one first");
        }
        String secret = SecretHasher.newSecret(Authenticator.TOKEN_PREFIX);
        ApplicationToken token = new ApplicationToken();
        token.user = owner;
        token.name = name;
        token.tokenHash = hasher.hash(secret);
        token.readOnly = readOnly;
        token.namespaces = limitedTo.isEmpty() ? null : String.join(",", limitedTo);
        token.expiresAt = expiresAt;
        token.persist();
        ApplicationToken.flush();
        changes.fire(new AccessChanged("token.create", actor.name(), null, null, username, name));
        return new Created(token, secret);
    }

    @Transactional
    public Pagination.Page<ApplicationToken> list(Subject actor, String username, long afterId, int limit) {
        User owner = visibleOwner(actor, username);
        List<ApplicationToken> rows = ApplicationToken.find("user = ?1 and id > ?2 order by id", owner, afterId)
                .page(0, limit + 1).list();
        return Pagination.page(rows, limit, t -> Long.toString(t.id));
    }

    /** Revokes at once: the next token request with it fails, and its refresh tokens die with it. */
    @Transactional
    public void revoke(Subject actor, String username, long id) {
        User owner = owner(actor, username);
        ApplicationToken token = ApplicationToken.<ApplicationToken>find("id = ?1 and user = ?2", id, owner)
                .firstResultOptional()
                .orElseThrow(() -> Refusal.notFound("no token " + id + " of " + username));
        if (token.revokedAt == null) {
            token.revokedAt = Instant.now();
            changes.fire(new AccessChanged("token.revoke", actor.name(), null, null, username, token.name));
        }
    }

    /**
     * Revokes every live token of the account at once: an identity provider's account that lost its access here
     * (see {@code access.oidc.OidcAccounts}). Joins the caller's transaction.
     *
     * @return how many were live
     */
    @Transactional
    public int revokeAll(String actor, User owner, String why) {
        List<ApplicationToken> live = ApplicationToken.list("user = ?1 and revokedAt is null", owner);
        Instant now = Instant.now();
        for (ApplicationToken token : live) {
            token.revokedAt = now;
            changes.fire(new AccessChanged("token.revoke", actor, null, null, owner.username, token.name + ": " + why));
        }
        return live.size();
    }

    private static User visibleOwner(Subject actor, String username) {
        if (!ManagementPolicy.mayViewUser(actor, username)) {
            // Another user's tokens do not exist as far as this caller can tell.
            throw Refusal.notFound("no user '" + username + "'");
        }
        return User.findByUsername(username).orElseThrow(() -> Refusal.notFound("no user '" + username + "'"));
    }

    private static User owner(Subject actor, String username) {
        User owner = visibleOwner(actor, username);
        if (!ManagementPolicy.mayManageUser(actor, username)) {
            throw Refusal.forbidden("this token may not manage tokens");
        }
        return owner;
    }
}
