package dev.portcullis.web;

import dev.portcullis.access.SignUp;
import dev.portcullis.core.Failure;
import dev.portcullis.core.Failures;
import dev.portcullis.core.Refusal;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.RestForm;

/**
 * Self sign-up, when {@code portcullis.signup.enabled} (otherwise there is no such page). The account is created by
 * {@link SignUp} under the API's rules; a refusal is shown in the form, which keeps what was typed but the
 * passwords. The new user then signs in like everyone else.
 */
@Path("/signup")
@Produces(MediaType.TEXT_HTML)
public class SignUpPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signup(Chrome page, String error, String username, String email);
    }

    @Inject
    WebRequest web;

    @Inject
    SignUp signUp;

    /** Like the sign-in page, never looks at the session: a stale one must not get in the way. */
    @GET
    public TemplateInstance form() {
        requireEnabled();
        return Templates.signup(frame(), null, null, null);
    }

    @POST
    public Response create(@RestForm String username, @RestForm String email, @RestForm String password,
            @RestForm String repeat) {
        requireEnabled();
        String name = Links.blankToNull(username);
        String mail = Links.blankToNull(email);
        try {
            if (password == null || !password.equals(repeat)) {
                throw Refusal.invalid("the password and its repetition differ");
            }
            signUp.register(name, password, mail, web.address());
        } catch (Refusal e) {
            return refused(e, name, mail);
        } catch (ConstraintViolationException e) {
            // The same name taken by a concurrent sign-up a moment earlier: the answer the service gives.
            return refused(Refusal.conflict("the name '" + name + "' is taken"), name, mail);
        }
        return Response.seeOther(URI.create("/login?created=true")).build();
    }

    private Response refused(Refusal refusal, String username, String email) {
        Failure problem = Failures.classify(refusal);
        String message = refusal instanceof Refusal.Throttled
                ? "Too many attempts from your address: wait " + problem.headers().get("Retry-After")
                        + " s before the next one."
                : capitalized(problem.detail());
        Response.ResponseBuilder answer = Response.status(problem.status())
                .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.signup(frame(), message, username, email).render());
        problem.headers().forEach(answer::header);
        return answer.build();
    }

    private void requireEnabled() {
        if (!signUp.enabled()) {
            throw new NotFoundException();
        }
    }

    private static Chrome frame() {
        return new Chrome("Sign up", "signup", null, false, List.of());
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
    }
}
