package dev.portcullis.web;

import dev.portcullis.access.SignInFormGuard;
import dev.portcullis.core.ErrorResponses;
import dev.portcullis.core.HttpProblem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Errors on the UI's pages as pages of the same look (never a stack trace); everywhere else exactly what the
 * API's {@link ErrorResponses} answers. These mappers take precedence over the API's for the same exception
 * types and hand every non-page request back to it.
 *
 * <p>A refused form post (403, 409, 422) goes back to the page it came from with the reason as a message; an
 * anonymous visitor is sent to sign in.
 */
public class WebErrors {

    private static final Logger LOG = Logger.getLogger(WebErrors.class);
    private static final ErrorResponses API = new ErrorResponses();
    private static final int BEFORE_API = Priorities.USER - 100;
    /** Where the sign-in form posts ({@code quarkus.http.auth.form.post-location}, left at its default). */
    static final String SIGN_IN_POST = "/j_security_check";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(Chrome page, int status, String heading, String detail);
    }

    @Inject
    WebRequest web;

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response problem(HttpProblem e, HttpServerRequest request) {
        if (!WebPaths.isPage(request.path())) {
            return API.problem(e, request);
        }
        if (e.status() == 401) {
            return web.signIn(false);
        }
        return page(e.status(), e.title(), e.detail(), request);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return WebPaths.isPage(request.path()) ? web.signIn(false) : API.unauthorized(e, request);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        if (!WebPaths.isPage(request.path())) {
            return API.authenticationFailed(e, request);
        }
        if (request.path().endsWith(SIGN_IN_POST)) {
            if (causedBy(e, SignInFormGuard.Refused.class)) {
                // Forged or stale (no CSRF token): nothing was checked, so say so instead of "wrong password".
                return Response.status(403).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                        .entity(Templates.error(new Chrome("Forbidden", "", null, false, List.of()), 403, "Forbidden",
                                "the sign-in form could not be accepted: it is stale or was not sent by this site"
                                        + " (its CSRF token is missing or wrong); open the sign-in page again")
                                .render())
                        .build();
            }
            // A refused sign-in form: back to it, saying only whether to wait (the throttle's 429) or not.
            return Response.seeOther(URI.create(throttled(e) ? "/login?error=true&wait=true" : "/login?error=true"))
                    .build();
        }
        // On any other page this is a session that no longer holds: the account was disabled or deleted.
        return web.signIn(true);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response conflict(ConstraintViolationException e, HttpServerRequest request) {
        return WebPaths.isPage(request.path())
                ? page(409, "Conflict", "the name is taken", request) : API.conflict(e, request);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return WebPaths.isPage(request.path())
                ? page(403, "Forbidden", "not allowed for this account", request) : API.forbidden(e, request);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        if (!WebPaths.isPage(request.path())) {
            return API.webApplication(e, request);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        return page(status, reason, status == 404 ? "there is no such page" : reason.toLowerCase(), request);
    }

    @ServerExceptionMapper(value = {SQLException.class, PersistenceException.class}, priority = BEFORE_API)
    public Response databaseDown(Exception e, HttpServerRequest request) {
        if (!WebPaths.isPage(request.path())) {
            return API.databaseDown(e, request);
        }
        LOG.warnf("page %s: database unavailable: %s", request.path(), e.getMessage());
        return page(503, "Service unavailable", "the database is unavailable, retry later", request);
    }

    @ServerExceptionMapper(priority = BEFORE_API)
    public Response unexpected(Throwable e, HttpServerRequest request) {
        if (!WebPaths.isPage(request.path())) {
            return API.unexpected(e, request);
        }
        LOG.error("unexpected error on page " + request.method() + " " + request.path(), e);
        return page(500, "Internal error", "something went wrong on our side; the server log has the details",
                request);
    }

    /**
     * The CSRF filter refuses a form without a valid token with a bare 400 before any page code runs; on a page
     * that becomes an explanation. Drawn without asking who is signed in: this may run on the I/O thread.
     */
    @ServerResponseFilter
    public void refusedForm(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 400 && !response.hasEntity()
                && WebPaths.isPage(request.getUriInfo().getRequestUri().getRawPath())) {
            Chrome frame = new Chrome("Bad request", "", null, false, List.of());
            response.setEntity(Templates.error(frame, 400, "Bad request", "the form could not be accepted: it is"
                    + " stale or incomplete (its CSRF token is missing or wrong); go back, reload the page and"
                    + " try again").render(), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean throttled(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpProblem problem && problem.status() == 429) {
                return true;
            }
        }
        return false;
    }

    private Response page(int status, String title, String detail, HttpServerRequest request) {
        String back = web.referrerPath();
        boolean refusedForm = "POST".equals(request.method().name()) && status >= 400 && status < 500 && status != 404;
        if (refusedForm && back != null) {
            web.flash("error", detail);
            return Response.seeOther(URI.create(back)).build();
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.error(web.chrome("", title), status, title, detail).render()).build();
    }
}
