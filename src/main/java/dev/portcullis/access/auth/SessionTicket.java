package dev.portcullis.access.auth;

/**
 * What a web session cookie names: an account and the session epoch the session was opened in.
 *
 * <p>The form mechanism keeps only the identity's principal name in its encrypted cookie and hands it back on every
 * request, so the principal of a web session is this ticket ({@code alice#3}) rather than the bare name. Signing
 * out moves the account to the next epoch ({@code Users.endSessions}): every copy of every cookie opened before, a
 * stolen one included, stops working, although the cookie itself stays valid until it expires.
 */
public record SessionTicket(String username, int epoch) {

    /** Never part of a username (the registry's name grammar), so the last one splits the ticket. */
    static final char SEPARATOR = '#';

    /** The ticket a principal name holds; null for anything else (a cookie from before epochs: sign in again). */
    static SessionTicket parse(String principal) {
        int at = principal == null ? -1 : principal.lastIndexOf(SEPARATOR);
        if (at <= 0) {
            return null;
        }
        try {
            return new SessionTicket(principal.substring(0, at), Integer.parseInt(principal.substring(at + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String principal() {
        return username + SEPARATOR + epoch;
    }
}
