package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.SignUp;
import dev.portcullis.access.Users;
import dev.portcullis.access.policy.Subject;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Sign-in and sign-out. The form posts to the form mechanism ({@code /j_security_check}), which checks the
 * password through the same identity provider as the API: brute-force throttle and disabled accounts included.
 * Signing out ends all of the account's sessions, in every browser (see {@code access.SessionTicket}).
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(Chrome page, String error, String notice, boolean explore,
                boolean signup);
    }

    @Inject
    WebRequest web;

    @Inject
    AccessService access;

    @Inject
    Users users;

    @Inject
    SignUp signUp;

    /** Never looks at the session itself: a stale one must not send its holder here in a loop. */
    @GET
    @Path("login")
    public TemplateInstance login(@RestQuery boolean error, @RestQuery boolean wait, @RestQuery boolean ended,
            @RestQuery boolean signedOut, @RestQuery boolean created, @RestQuery boolean passwordChanged,
            @RestQuery boolean unavailable) {
        String problem = unavailable ? "Your sign-in could not be checked: the company directory cannot be reached just"
                + " now. Try again in a minute; local accounts can still sign in."
                : wait ? "Too many failed sign-ins: wait a little before the next attempt."
                : error ? "Sign-in failed: wrong username or password, or a disabled account." : null;
        String notice = ended ? "Your session has ended: please sign in again."
                : signedOut ? "You are signed out everywhere: every web session of yours has ended, in every browser."
                        + " Application tokens and docker logins go on working: revoke tokens on your profile page."
                : passwordChanged ? "Your password has changed: every web session and every docker login of yours"
                        + " has ended (sign in again with the new password); application tokens go on working."
                : created ? "Your account is ready: sign in with it." : null;
        Chrome anonymous = new Chrome("Sign in", "login", null, false, List.of());
        return Templates.login(anonymous, problem, notice, access.settings().anonymousPull(), signUp.enabled());
    }

    /** Ends the session on the server too: a copy of the cookie is worth nothing afterwards (see access.SessionTicket). */
    @POST
    @Path("logout")
    public Response logout() {
        Subject subject = web.viewer();
        if (!subject.anonymous()) {
            users.endSessions(subject.name());
        }
        web.endSession();
        return Response.seeOther(URI.create("/login?signedOut=true")).build();
    }
}
