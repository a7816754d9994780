package dev.portcullis.access;

import dev.portcullis.access.auth.Authenticator;
import dev.portcullis.access.auth.PasswordHasher;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Role;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** Accounts: people with a personal namespace, and bots that log in only with application tokens. */
@ApplicationScoped
public class Users {

    public static final int MAX_USERNAME = 64;
    public static final Set<String> PATCHABLE = Set.of("email", "displayName", "password", "admin", "enabled");

    @Inject
    PasswordHasher hasher;

    @Inject
    Event<AccessChanged> changes;

    /** A person (with a password and a personal namespace) or a bot (neither). */
    @Transactional
    public User create(String actor, String username, String password, String email, String displayName,
            boolean admin, boolean bot) {
        if (!RepositoryName.isComponent(username) || username.length() > MAX_USERNAME) {
            throw Refusal.invalid("username must be 1-" + MAX_USERNAME
                    + " lowercase letters and digits, separated by single '.', '_', '__' or '-'");
        }
        if (bot && password != null) {
            throw Refusal.invalid("bots have no password: they sign in with application tokens");
        }
        if (!bot) {
            checkPassword(password);
        }
        checkEmail(email);
        checkDisplayName(displayName);
        User user = insert(actor, username, bot ? null : hasher.hash(password), email, displayName, admin, bot,
                AccountSource.LOCAL, null);
        return user;
    }

    /**
     * A person from the directory or the identity provider, at their first sign-in: a personal namespace, no
     * password here. What the directory says that this house cannot keep (an email it would refuse, a display name
     * too long) is left out rather than refusing the person.
     */
    @Transactional
    public User createExternal(AccountSource source, String externalId, String username, String email,
            String displayName) {
        if (source == AccountSource.LOCAL) {
            throw new IllegalArgumentException("local accounts are made by create");
        }
        if (!RepositoryName.isComponent(username) || username.length() > MAX_USERNAME) {
            throw Refusal.invalid("the directory's name '" + username + "' is outside the registry's name grammar");
        }
        return insert(source.label(), username, null, validEmail(email), validDisplayName(displayName), false, false,
                source, externalId);
    }

    private User insert(String actor, String username, String passwordHash, String email, String displayName,
            boolean admin, boolean bot, AccountSource source, String externalId) {
        if (User.findByUsername(username).isPresent() || Namespace.findByName(username).isPresent()
                || Team.findByName(username).isPresent()) {
            throw Refusal.conflict("the name '" + username + "' is taken");
        }
        User user = new User();
        user.username = username;
        user.email = email;
        user.displayName = displayName;
        user.passwordHash = passwordHash;
        user.admin = admin;
        user.bot = bot;
        user.source = source;
        user.externalId = externalId;
        user.persist();
        if (!bot) {
            Namespace.personal(user).persist();
        }
        // A concurrent create of the same name fails here, inside the call, as a 409 (see ErrorResponses).
        User.flush();
        changes.fire(new AccessChanged(bot ? "bot.create" : "user.create", actor, null, null, username,
                admin ? "as admin" : source == AccountSource.LOCAL ? null : "from " + source.label()));
        return user;
    }

    /** The directory's email when this house accepts it, otherwise none. */
    public static String validEmail(String email) {
        try {
            checkEmail(email);
            return email;
        } catch (Refusal.Invalid e) {
            return null;
        }
    }

    public static String validDisplayName(String displayName) {
        return displayName == null || displayName.length() <= 255 ? displayName : displayName.substring(0, 255);
    }

    public User create(String actor, String username, String password, String email, boolean admin) {
        return create(actor, username, password, email, null, admin, false);
    }

    /**
     * A person signing themselves up (see {@link SignUp}): no privileges, unless {@code firstUserAdmin} and there
     * is nobody yet. Decided under a lock, so that of two sign-ups at once only one can be the first.
     */
    @Transactional
    public User signUp(String username, String password, String email, boolean firstUserAdmin) {
        boolean admin = firstUserAdmin && nobodyYet(false) && nobodyYet(true);
        return create(username, username, password, email, null, admin, false);
    }

    /**
     * Whether there is no person's account and no admin (bots that are not admins may exist). Once somebody exists,
     * somebody always will (only admins delete accounts, never the last enabled admin), so a plain read answering
     * "somebody" is final and spares the lock; "nobody" is asked again under it.
     *
     * @param locked write {@code signup_lock}'s row first: sign-ups deciding this wait here, each until the one
     *               before has committed, and then read with a locking read, which sees the latest committed rows
     *               whatever the isolation level (a plain read could answer from an older snapshot). A write, not a
     *               {@code SELECT … FOR UPDATE}: on Galera a locking read locks nothing on the other nodes, while two
     *               writes of the row on two nodes certify against each other, so the later sign-up is rolled back
     *               (1213) and run again by {@link dev.portcullis.core.RetryOnConflict}, when it sees the first
     */
    private static boolean nobodyYet(boolean locked) {
        var em = User.getEntityManager();
        String somebody = "SELECT id FROM users WHERE bot = FALSE OR admin = TRUE LIMIT 1";
        if (!locked) {
            return em.createNativeQuery(somebody).getResultList().isEmpty();
        }
        em.createNativeQuery("UPDATE signup_lock SET claims = claims + 1 WHERE id = 1").executeUpdate();
        return em.createNativeQuery(somebody + " LOCK IN SHARE MODE").getResultList().isEmpty();
    }

    @Transactional
    public User find(String username) {
        return User.findByUsername(username).orElseThrow(() -> Refusal.notFound("no user '" + username + "'"));
    }

    @Transactional
    public Pagination.Page<User> list(String afterUsername, int limit) {
        List<User> rows = User.find("username > ?1 order by username", afterUsername).page(0, limit + 1).list();
        return Pagination.page(rows, limit, u -> u.username);
    }

    /** Applies a merge patch; only admins change the admin and enabled flags. */
    @Transactional
    public User update(Subject actor, String username, MergePatch patch) {
        User user = find(username);
        if ((patch.has("admin") || patch.has("enabled")) && !actor.admin()) {
            throw Refusal.forbidden("only admins change the admin and enabled flags");
        }
        if (patch.has("email")) {
            checkEmail(patch.text("email"));
            user.email = patch.text("email");
        }
        if (patch.has("displayName")) {
            checkDisplayName(patch.text("displayName"));
            user.displayName = patch.text("displayName");
        }
        if (patch.has("password")) {
            if (user.bot) {
                throw Refusal.invalid("bots have no password");
            }
            if (user.source != AccountSource.LOCAL) {
                throw Refusal.invalid(username + "'s password is kept by " + (user.source == AccountSource.LDAP
                        ? "the LDAP directory" : "the identity provider") + ": change it there");
            }
            checkPassword(patch.text("password"));
            user.passwordHash = hasher.hash(patch.text("password"));
            // A new password ends the account's web sessions: one opened with the old one must not outlive it.
            user.sessionEpoch++;
            // Identity tokens got with the old password stop too (those of application tokens live on).
            User.getEntityManager().createNativeQuery("UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(6)"
                    + " WHERE user_id = ?1 AND application_token_id IS NULL AND revoked_at IS NULL")
                    .setParameter(1, user.id).executeUpdate();
        }
        boolean wasActiveAdmin = user.admin && user.enabled;
        if (patch.has("admin")) {
            user.admin = patch.bool("admin");
        }
        if (patch.has("enabled")) {
            user.enabled = patch.bool("enabled");
        }
        if (wasActiveAdmin && !(user.admin && user.enabled)) {
            requireAnotherAdmin(user);
        }
        changes.fire(new AccessChanged("user.update", actor.name(), null, null, username,
                String.join(",", patchedFields(patch))));
        return user;
    }

    /**
     * Ends every web session of the account, in every browser, the current one included (see
     * {@link SessionTicket}): whoever signs out because a cookie may have leaked cannot tell which copy did.
     */
    @Transactional
    public void endSessions(String username) {
        User.update("sessionEpoch = sessionEpoch + 1 where username = ?1", username);
    }

    @Transactional
    public void delete(String actor, String username) {
        User user = find(username);
        if (user.admin && user.enabled) {
            requireAnotherAdmin(user);
        }
        List<TeamMember> owned = TeamMember.list("user = ?1 and role = ?2", user, Role.OWNER);
        for (TeamMember membership : owned) {
            if (TeamMember.owners(membership.team) == 1) {
                throw Refusal.conflict(username + " is the last owner of team '" + membership.team.name
                        + "': make someone else owner first");
            }
        }
        // The personal namespace stays, owned by nobody (so admins only), until an admin deletes it: its name is
        // not free while it may hold images of the deleted account.
        Namespace.update("owner = null where owner = ?1", user);
        // Entity deletes: the memberships loaded above would otherwise still point at the deleted user.
        TeamMember.<TeamMember>list("user", user).forEach(TeamMember::delete);
        user.delete();
        changes.fire(new AccessChanged("user.delete", actor, null, null, username, null));
    }

    private static void requireAnotherAdmin(User user) {
        if (User.count("admin = true and enabled = true and id <> ?1", user.id) == 0) {
            throw Refusal.conflict(user.username + " is the last enabled admin");
        }
    }

    private static List<String> patchedFields(MergePatch patch) {
        return PATCHABLE.stream().filter(patch::has).sorted().toList();
    }

    private static void checkPassword(String password) {
        // bcrypt reads 72 bytes and ignores the rest, so longer passwords would not count in full.
        if (password == null || password.length() < 8 || password.getBytes(StandardCharsets.UTF_8).length > 72) {
            throw Refusal.invalid("password must be 8 characters to 72 bytes");
        }
        if (password.startsWith(Authenticator.TOKEN_PREFIX)) {
            throw Refusal.invalid("a password must not start with '" + Authenticator.TOKEN_PREFIX
                    + "', which marks application tokens");
        }
    }

    private static void checkEmail(String email) {
        if (email != null && (email.length() > 320 || !email.matches("[^@\\s]+@[^@\\s]+"))) {
            throw Refusal.invalid("email is not an email address");
        }
    }

    private static void checkDisplayName(String displayName) {
        if (displayName != null && displayName.length() > 255) {
            throw Refusal.invalid("displayName is longer than 255 characters");
        }
    }
}
