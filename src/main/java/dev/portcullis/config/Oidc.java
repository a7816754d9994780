package dev.portcullis.config;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Web UI sign-in through the company's OpenID Connect provider (authorization code flow with PKCE, Quarkus's OIDC
 * extension: the provider's address and the client are its {@code quarkus.oidc.*} settings). Off unless
 * {@code portcullis.oidc.enabled}; local accounts go on working either way. Teams and admins come from the groups
 * claim through {@code portcullis.directory.teams} and {@code portcullis.directory.admin-group}, as for LDAP.
 */
public interface Oidc {
    /** Whether the sign-in page offers the provider; also switches the {@code quarkus.oidc} tenant on. */
    @WithDefault("false")
    boolean enabled();

    /** The provider's name on the sign-in page's "Sign in with ..." link. */
    @WithDefault("single sign-on")
    String providerName();

    /** The ID token claim that names the account here (lower-cased; it must follow the registry's name grammar). */
    @WithDefault("preferred_username")
    String usernameClaim();

    @WithDefault("email")
    String emailClaim();

    @WithDefault("name")
    String displayNameClaim();

    /** The ID token claim listing the person's groups (an array of names, or one string). */
    @WithDefault("groups")
    String groupsClaim();

    /**
     * When set, only members of this group may sign in. A later sign-in outside it disables the account here:
     * its web sessions end and its application tokens are revoked.
     */
    Optional<String> allowedGroup();
}
