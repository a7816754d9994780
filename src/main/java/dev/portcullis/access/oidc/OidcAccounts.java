package dev.portcullis.access.oidc;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.access.AccountSource;
import dev.portcullis.access.ApplicationTokens;
import dev.portcullis.access.User;
import dev.portcullis.access.directory.DirectoryAccounts;
import dev.portcullis.access.directory.DirectoryPerson;
import dev.portcullis.access.directory.GroupTeams;
import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What an OpenID Connect sign-in does to the account: made at the first one (personal namespace included, no
 * password), its teams and admin flag from the groups claim as for LDAP ({@link DirectoryAccounts}). The provider
 * is never asked between sign-ins, so each sign-in is where access is taken away: a person outside
 * {@code portcullis.oidc.allowed-group} is disabled here, and one who left it or the admin group loses every
 * application token (they outlive the provider's session by design, so they must die with the access).
 */
@ApplicationScoped
public class OidcAccounts {

    private static final Logger LOG = Logger.getLogger(OidcAccounts.class);
    static final String ACTOR = "oidc";

    /** How a sign-in ended. */
    public sealed interface Outcome {
        /** The account to open a session for. */
        record SignedIn(long userId) implements Outcome {
        }

        /** No session; the sign-in page says why by its code: group, name or disabled. */
        record Refused(String code) implements Outcome {
        }
    }

    @Inject
    DirectoryAccounts accounts;

    @Inject
    ApplicationTokens tokens;

    @Inject
    PortcullisConfig config;

    @Inject
    Event<AccessChanged> changes;

    @Transactional
    public Outcome signedIn(DirectoryPerson person) {
        Optional<User> existing = User.findByUsername(person.username());
        boolean wasAdmin = existing.map(u -> u.admin).orElse(false);
        Optional<String> allowed = config.oidc().allowedGroup();
        if (allowed.isPresent() && !person.groups().contains(GroupTeams.key(allowed.get()))) {
            existing.filter(u -> u.source == AccountSource.OIDC).ifPresent(this::leftAllowedGroup);
            LOG.infof("oidc person '%s' is not in the allowed group", person.username());
            return new Outcome.Refused("group");
        }
        Optional<Long> id = accounts.signedIn(AccountSource.OIDC, person);
        if (id.isEmpty()) {
            return new Outcome.Refused("name");
        }
        User user = User.findById(id.get());
        if (!user.enabled) {
            return new Outcome.Refused("disabled");
        }
        if (wasAdmin && !user.admin) {
            int revoked = tokens.revokeAll(ACTOR, user, "left the admin group");
            LOG.infof("oidc person '%s' left the admin group: %d application tokens revoked", user.username, revoked);
        }
        return new Outcome.SignedIn(user.id);
    }

    /** Disabled (until a sign-in inside the group again), signed out everywhere, tokens revoked. */
    private void leftAllowedGroup(User user) {
        if (user.enabled) {
            user.enabled = false;
            user.disabledByDirectory = true;
            user.sessionEpoch++;
            changes.fire(new AccessChanged("user.update", ACTOR, null, null, user.username,
                    "disabled: not in the allowed group"));
        }
        int revoked = tokens.revokeAll(ACTOR, user, "not in the allowed group");
        LOG.infof("oidc person '%s' left the allowed group: %d application tokens revoked", user.username, revoked);
    }
}
