package dev.portcullis.core;

import java.time.Duration;

/**
 * A request the service will not carry out, said in the service's own terms: what was asked is malformed or
 * invalid, the caller is unknown or may not, the thing does not exist or is in the way, the caller must wait, the
 * service cannot now. Services throw these and never an HTTP status; {@link ErrorMapper} answers them, once, in
 * the shape of the face that was asked (the registry's, the API's, a page).
 */
public abstract class Refusal extends RuntimeException {

    private Refusal(String detail) {
        super(detail, null, false, false);
    }

    public String detail() {
        return getMessage();
    }

    /** The request cannot be read as asked: a malformed parameter, scope, cursor or body. */
    public static final class Malformed extends Refusal {
        private final String oauthError;

        Malformed(String detail, String oauthError) {
            super(detail);
            this.oauthError = oauthError;
        }

        /** The OAuth2 error code to answer with on the token endpoint's form (RFC 6749 §5.2), or null. */
        public String oauthError() {
            return oauthError;
        }
    }

    /** Who asks is not known: no credentials, or wrong ones. */
    public static final class Unauthenticated extends Refusal {
        Unauthenticated(String detail) {
            super(detail);
        }
    }

    /** Who asks is known and may not do this. */
    public static final class Forbidden extends Refusal {
        Forbidden(String detail) {
            super(detail);
        }
    }

    /** There is no such thing, or the caller may not know of it. */
    public static final class NotFound extends Refusal {
        NotFound(String detail) {
            super(detail);
        }
    }

    /** It cannot be done as things stand: the name is taken, the last owner cannot leave, the registry refuses. */
    public static final class Conflict extends Refusal {
        Conflict(String detail) {
            super(detail);
        }
    }

    /** Well-formed, but not acceptable: a name outside the grammar, a password too short, an unknown field. */
    public static final class Invalid extends Refusal {
        Invalid(String detail) {
            super(detail);
        }
    }

    /** Too many attempts: ask again after {@link #retryAfter()}. */
    public static final class Throttled extends Refusal {
        private final Duration retryAfter;

        Throttled(String detail, Duration retryAfter) {
            super(detail);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** Not now: the database, the registry or the sink's writer cannot serve; asking again later will do. */
    public static final class Unavailable extends Refusal {
        Unavailable(String detail) {
            super(detail);
        }
    }

    public static Malformed malformed(String detail) {
        return new Malformed(detail, null);
    }

    /** The token endpoint's form names a grant type it does not have. */
    public static Malformed unsupportedGrant() {
        return new Malformed("unsupported grant type", "unsupported_grant_type");
    }

    public static Unauthenticated unauthenticated(String detail) {
        return new Unauthenticated(detail);
    }

    public static Forbidden forbidden(String detail) {
        return new Forbidden(detail);
    }

    public static NotFound notFound(String detail) {
        return new NotFound(detail);
    }

    public static Conflict conflict(String detail) {
        return new Conflict(detail);
    }

    public static Invalid invalid(String detail) {
        return new Invalid(detail);
    }

    public static Throttled throttled(String detail, Duration retryAfter) {
        return new Throttled(detail, retryAfter);
    }

    public static Unavailable unavailable(String detail) {
        return new Unavailable(detail);
    }
}
