package dev.portcullis.access;

/** The outcome of checking a username and a secret. */
public sealed interface Authentication {

    /** The credentials are right and the account may act. */
    record Authenticated(User user) implements Authentication {
    }

    /** Wrong username or secret: one answer for both, so accounts cannot be enumerated. */
    record Rejected() implements Authentication {
    }

    /** Right credentials for a disabled account (said only to whoever knows the password). */
    record Disabled(String username) implements Authentication {
    }
}
