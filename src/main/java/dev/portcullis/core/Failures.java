package dev.portcullis.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.event.ObserverException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.DataTruncation;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.hibernate.exception.ConstraintViolationException;

/**
 * The one classifier of errors: a {@link Refusal} by its kind, the framework's own exceptions (security, JSON,
 * JAX-RS), the database's. Pure: the {@link ErrorMapper} renders what it says, and whoever must answer an error
 * in its own shape (a form that shows the reason beside its fields) asks it too.
 */
public final class Failures {

    /** The status that means "the service failed", not "the request was refused": logged with its cause. */
    public static final int UNEXPECTED = 500;

    private Failures() {
    }

    public static Failure classify(Throwable e) {
        if ((e instanceof ObserverException || e instanceof CompletionException) && e.getCause() != null) {
            return classify(e.getCause()); // a wrapper CDI or a future puts around what really happened
        }
        if (e instanceof Refusal refusal) {
            return refused(refusal);
        }
        if (e instanceof AuthenticationFailedException) {
            // A refusal raised while authenticating (the brute-force throttle's) keeps its kind.
            Refusal cause = causeOf(e, Refusal.class);
            return cause != null ? refused(cause) : refused(Refusal.unauthenticated("invalid credentials"));
        }
        if (e instanceof UnauthorizedException) {
            return refused(Refusal.unauthenticated("authentication required"));
        }
        if (e instanceof ForbiddenException) {
            return refused(Refusal.forbidden("not allowed for this account"));
        }
        if (e instanceof ConstraintViolationException) {
            // A unique key lost to a concurrent request: the same answer the service gives when it sees the row.
            return refused(Refusal.conflict("the name is taken"));
        }
        if (e instanceof JsonProcessingException) {
            return refused(Refusal.malformed("the request body is not valid JSON of the expected shape"));
        }
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            Response.Status known = Response.Status.fromStatusCode(status);
            String reason = known == null ? "Error" : known.getReasonPhrase();
            return new Failure(status, status == 404 ? "NOT_FOUND" : "UNSUPPORTED", reason, reason);
        }
        if ((e instanceof SQLException || e instanceof PersistenceException) && !isOurMistake(e)) {
            // Infrastructure failure: 503 so that the registry and clients retry; the cause stays in our log.
            return refused(Refusal.unavailable("the database is unavailable, retry later"));
        }
        return new Failure(UNEXPECTED, "UNKNOWN", "Internal error", "unexpected error, see the server log");
    }

    private static Failure refused(Refusal refusal) {
        String detail = refusal.detail();
        if (refusal instanceof Refusal.Malformed malformed) {
            return new Failure(400, "UNSUPPORTED", "Bad request", detail, Map.of(), malformed.oauthError());
        }
        if (refusal instanceof Refusal.Unauthenticated) {
            return new Failure(401, "UNAUTHORIZED", "Unauthorized", detail,
                    Map.of("WWW-Authenticate", "Basic realm=\"Portcullis\""), null);
        }
        if (refusal instanceof Refusal.Forbidden) {
            return new Failure(403, "DENIED", "Forbidden", detail);
        }
        if (refusal instanceof Refusal.NotFound) {
            return new Failure(404, "NOT_FOUND", "Not found", detail);
        }
        if (refusal instanceof Refusal.Conflict) {
            return new Failure(409, "CONFLICT", "Conflict", detail);
        }
        if (refusal instanceof Refusal.Invalid) {
            return new Failure(422, "UNSUPPORTED", "Unprocessable content", detail);
        }
        if (refusal instanceof Refusal.Throttled throttled) {
            return new Failure(429, "TOOMANYREQUESTS", "Too many requests", detail,
                    Map.of("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds()))), null);
        }
        return new Failure(503, "UNAVAILABLE", "Service unavailable", detail, Map.of("Retry-After", "1"), null);
    }

    /** A statement the database refused (syntax, data): a bug, not an outage, so no retry will help. */
    private static boolean isOurMistake(Throwable e) {
        return causeOf(e, SQLSyntaxErrorException.class) != null || causeOf(e, SQLDataException.class) != null
                || causeOf(e, DataTruncation.class) != null;
    }

    /** {@code e} or its first cause of that type, or null. */
    public static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
