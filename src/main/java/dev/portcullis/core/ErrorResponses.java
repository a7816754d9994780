package dev.portcullis.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.DataTruncation;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become HTTP answers: {@code application/problem+json} (RFC 9457) on the API, the
 * registry's {@code {"errors":[{code,message}]}} on {@code /v2/...}. Never a class name or a stack trace.
 */
public class ErrorResponses {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    @ServerExceptionMapper
    public Response problem(HttpProblem problem, HttpServerRequest request) {
        return render(problem, request);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return render(HttpProblem.unauthorized("authentication required"), request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        // A refusal raised while authenticating (e.g. 429 from the brute-force throttle) keeps its status.
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpProblem problem) {
                return render(problem, request);
            }
        }
        return render(HttpProblem.unauthorized("invalid credentials"), request);
    }

    @ServerExceptionMapper
    public Response conflict(ConstraintViolationException e, HttpServerRequest request) {
        // A unique key lost to a concurrent request: the same answer the service gives when it sees the row.
        return render(HttpProblem.conflict("the name is taken"), request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return render(HttpProblem.forbidden("not allowed for this account"), request);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, HttpServerRequest request) {
        return render(HttpProblem.badRequest("the request body is not valid JSON of the expected shape"), request);
    }

    /** A field of the wrong type: as specific as Quarkus's built-in mapper, which answers outside problem+json. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, HttpServerRequest request) {
        return unreadableJson(e, request);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        String reason = Response.Status.fromStatusCode(status) == null
                ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        return render(new HttpProblem(status, status == 404 ? "NOT_FOUND" : "UNSUPPORTED", reason, reason), request);
    }

    @ServerExceptionMapper({SQLException.class, PersistenceException.class})
    public Response databaseDown(Exception e, HttpServerRequest request) {
        if (isOurMistake(e)) {
            return unexpected(e, request);
        }
        // Infrastructure failure: 503 so that the registry and clients retry; the cause stays in our log.
        LOG.warnf("database unavailable: %s", e.getMessage());
        return render(HttpProblem.unavailable("the database is unavailable, retry later"), request);
    }

    /** A statement the database refused (syntax, data): a bug, not an outage, so no retry will help. */
    private static boolean isOurMistake(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLSyntaxErrorException || t instanceof SQLDataException || t instanceof DataTruncation) {
                return true;
            }
        }
        return false;
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        LOG.error("unexpected error on " + request.method() + " " + request.path(), e);
        return render(new HttpProblem(500, "UNKNOWN", "Internal error", "unexpected error, see the server log"),
                request);
    }

    static Response render(HttpProblem problem, HttpServerRequest request) {
        Response.ResponseBuilder answer = Response.status(problem.status());
        problem.headers().forEach(answer::header);
        if (request.path().startsWith("/v2/")) {
            return answer.type("application/json")
                    .entity(Map.of("errors", List.of(Map.of("code", problem.code(), "message", problem.detail()))))
                    .build();
        }
        return answer.type(PROBLEM_JSON)
                .entity(Map.of("type", "about:blank", "title", problem.title(), "status", problem.status(),
                        "detail", problem.detail()))
                .build();
    }
}
