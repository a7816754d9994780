package dev.portcullis.access.auth;

import io.vertx.ext.web.RoutingContext;

/**
 * What a sign-in form post must carry besides the password: the web UI's CSRF token (implemented in
 * {@code web}, which owns the pages and their tokens). The form mechanism handles {@code POST /j_security_check}
 * itself, not a REST resource, so the pages' CSRF filter never sees it; without this check another site could
 * sign a visitor in to an account of the attacker's choosing (login CSRF). Asked before the password is checked.
 */
public interface SignInFormGuard {

    /** Whether this sign-in post (its form attributes already read) was sent by one of our sign-in pages. */
    boolean accepts(RoutingContext routing);

    /** A sign-in post refused before its password was looked at; the web UI answers 403. */
    final class Refused extends RuntimeException {
        Refused() {
            super("the sign-in form carries no valid CSRF token", null, false, false);
        }
    }
}
