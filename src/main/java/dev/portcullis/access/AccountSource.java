package dev.portcullis.access;

/** Where an account comes from, and so who holds its password. */
public enum AccountSource {
    /** Made here (by an admin, at sign-up, at start); its password is a bcrypt hash here. */
    LOCAL,
    /** Made at its first sign-in with an LDAP directory's password; the directory holds the password. */
    LDAP,
    /** Made at its first sign-in through an OpenID Connect provider; no password at all. */
    OIDC;

    /** As the API and the pages show it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
