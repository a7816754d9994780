package dev.portcullis.access.auth;

import dev.portcullis.access.policy.Subject;

/** The outcome of checking a username and a secret (password or application token). */
public sealed interface Authentication {

    /**
     * The credentials are right and the account may act.
     *
     * @param userId             the account's id
     * @param subject            who acts, narrowed by the application token when one was used
     * @param applicationTokenId the token used, or null for a password
     */
    record Authenticated(long userId, Subject subject, Long applicationTokenId) implements Authentication {
    }

    /** Wrong username or secret: one answer for both, so accounts cannot be enumerated. */
    record Rejected() implements Authentication {
    }

    /** Right credentials for a disabled account (said only to whoever knows the secret). */
    record Disabled(String username) implements Authentication {
    }
}
