package dev.portcullis.access.auth;

import java.util.OptionalLong;

/**
 * A directory that holds the passwords of accounts that are not local: the company's LDAP directory (implemented in
 * {@code access.directory}, which makes and updates the account it finds). Asked only for names that are no local
 * account, so a local admin can always sign in (break glass), whatever the directory does.
 */
public interface PasswordDirectory {

    /** Whether directory passwords are accepted at all. */
    boolean enabled();

    /**
     * Checks the password against the directory and brings the account here up to date (made at the first sign-in,
     * its groups as teams).
     *
     * @return the account's id; empty for a wrong name or password, or a person the directory does not let in
     * @throws dev.portcullis.core.Refusal.Unavailable when the directory cannot be reached or does not answer in time
     */
    OptionalLong signIn(String username, String password);
}
