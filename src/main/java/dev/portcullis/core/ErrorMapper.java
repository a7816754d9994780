package dev.portcullis.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become HTTP answers, classified once ({@link Failures}) and drawn in the shape of the face
 * asked: the registry's {@code {"errors":[{code,message}]}} on {@code /v2/...} (the OAuth2 {@code {"error"}} where
 * the token form needs it), a page on the web UI ({@link ErrorPages}), {@code application/problem+json} (RFC 9457)
 * everywhere else. Never a class name or a stack trace; the causes of 5xx answers stay in the log.
 */
public class ErrorMapper {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @Inject
    Instance<ErrorPages> pages;

    /**
     * Every error; the types besides {@link Throwable} are named because Quarkus has mappers of its own for them,
     * which would win as the closer match.
     */
    @ServerExceptionMapper({Throwable.class, WebApplicationException.class, UnauthorizedException.class,
            ForbiddenException.class, AuthenticationFailedException.class, JsonProcessingException.class,
            MismatchedInputException.class})
    public Response map(Throwable error, HttpServerRequest request) {
        Failure failure = Failures.classify(error);
        if (failure.status() == Failures.UNEXPECTED) {
            LOG.error("unexpected error on " + request.method() + " " + request.path(), error);
        } else if (failure.status() == 503 && !(error instanceof Refusal)) {
            LOG.warnf("%s %s answered 503: %s", request.method(), request.path(), String.valueOf(error.getMessage()));
        }
        String path = request.path();
        if (Faces.isRegistry(path)) {
            return registry(failure);
        }
        if (pages.isResolvable() && pages.get().serves(path)) {
            return pages.get().render(failure, error, request);
        }
        return problem(failure);
    }

    /** The registry's error shape, which docker prints as {@code <code lowercased>: <message>}. */
    static Response registry(Failure failure) {
        Object body = failure.oauthError() != null ? Map.of("error", failure.oauthError())
                : Map.of("errors", List.of(Map.of("code", failure.code(), "message", failure.detail())));
        return answer(failure).type("application/json").entity(body).build();
    }

    static Response problem(Failure failure) {
        return answer(failure).type(PROBLEM_JSON).entity(Problem.of(failure)).build();
    }

    private static Response.ResponseBuilder answer(Failure failure) {
        Response.ResponseBuilder answer = Response.status(failure.status());
        failure.headers().forEach(answer::header);
        return answer;
    }
}
