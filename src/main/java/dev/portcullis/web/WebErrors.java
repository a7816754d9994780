package dev.portcullis.web;

import dev.portcullis.access.auth.SignInFormGuard;
import dev.portcullis.core.ErrorPages;
import dev.portcullis.core.Faces;
import dev.portcullis.core.Failure;
import dev.portcullis.core.Failures;
import dev.portcullis.core.Refusal;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Errors on the UI's pages as pages of the same look (never a stack trace), drawn from what the one error mapper
 * classified. An anonymous visitor is sent to sign in; a refused form post (403, 409, 422) goes back to the page
 * it came from with the reason as a message.
 */
@ApplicationScoped
public class WebErrors implements ErrorPages {

    /** Where the sign-in form posts ({@code quarkus.http.auth.form.post-location}, left at its default). */
    static final String SIGN_IN_POST = "/j_security_check";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(Chrome page, int status, String heading, String detail);
    }

    @Inject
    WebRequest web;

    @Override
    public boolean serves(String path) {
        return Faces.isPage(path);
    }

    @Override
    public Response render(Failure failure, Throwable error, HttpServerRequest request) {
        if (error instanceof AuthenticationFailedException) {
            return authenticationFailed(error, request);
        }
        if (failure.status() == 401) {
            return web.signIn(false);
        }
        if (failure.status() == 503 && request.path().endsWith(SIGN_IN_POST)) {
            // The directory did not answer the sign-in (or the database failed): back to the form, saying so.
            return Response.seeOther(URI.create("/login?unavailable=true")).build();
        }
        String detail = failure.status() == Failures.UNEXPECTED
                ? "something went wrong on our side; the server log has the details"
                : error instanceof Refusal ? failure.detail()
                : failure.status() == 404 ? "there is no such page" : failure.detail().toLowerCase();
        return page(failure.status(), failure.title(), detail, request);
    }

    private Response authenticationFailed(Throwable e, HttpServerRequest request) {
        if (!request.path().endsWith(SIGN_IN_POST)) {
            // On any other page this is a session that no longer holds: the account was disabled or deleted.
            return web.signIn(true);
        }
        if (Failures.causeOf(e, SignInFormGuard.Refused.class) != null) {
            // Forged or stale (no CSRF token): nothing was checked, so say so instead of "wrong password".
            return html(403, Templates.error(new Chrome("Forbidden", "", null, false, List.of()), 403, "Forbidden",
                    "the sign-in form could not be accepted: it is stale or was not sent by this site"
                            + " (its CSRF token is missing or wrong); open the sign-in page again"));
        }
        // A refused sign-in form: back to it, saying only whether to wait (the throttle's 429) or not.
        boolean throttled = Failures.causeOf(e, Refusal.Throttled.class) != null;
        if (Failures.causeOf(e, Refusal.Unavailable.class) != null) {
            // The directory (or the database) did not answer: not the password's fault, and local accounts still work.
            return Response.seeOther(URI.create("/login?unavailable=true")).build();
        }
        return Response.seeOther(URI.create(throttled ? "/login?error=true&wait=true" : "/login?error=true")).build();
    }

    /**
     * The CSRF filter refuses a form without a valid token with a bare 400 before any page code runs; on a page
     * that becomes an explanation. Drawn without asking who is signed in: this may run on the I/O thread.
     */
    @ServerResponseFilter
    public void refusedForm(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 400 && !response.hasEntity()
                && Faces.isPage(request.getUriInfo().getRequestUri().getRawPath())) {
            Chrome frame = new Chrome("Bad request", "", null, false, List.of());
            response.setEntity(Templates.error(frame, 400, "Bad request", "the form could not be accepted: it is"
                    + " stale or incomplete (its CSRF token is missing or wrong); go back, reload the page and"
                    + " try again").render(), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
        }
    }

    private Response page(int status, String title, String detail, HttpServerRequest request) {
        String back = web.referrerPath();
        boolean refusedForm = "POST".equals(request.method().name()) && status >= 400 && status < 500 && status != 404;
        if (refusedForm && back != null) {
            web.flash("error", detail);
            return Response.seeOther(URI.create(back)).build();
        }
        return html(status, Templates.error(web.chrome("", title), status, title, detail));
    }

    private static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render())
                .build();
    }
}
