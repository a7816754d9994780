package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.AccountSource;
import dev.portcullis.access.SignUp;
import dev.portcullis.access.Users;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
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
                boolean signup, String oidc);

        static native TemplateInstance signingOut(Chrome page, String provider);
    }

    @Inject
    WebRequest web;

    @Inject
    AccessService access;

    @Inject
    Users users;

    @Inject
    SignUp signUp;

    @Inject
    PortcullisConfig config;

    /** Never looks at the session itself: a stale one must not send its holder here in a loop. */
    @GET
    @Path("login")
    public TemplateInstance login(@RestQuery boolean error, @RestQuery boolean wait, @RestQuery boolean ended,
            @RestQuery boolean signedOut, @RestQuery boolean created, @RestQuery boolean passwordChanged,
            @RestQuery boolean unavailable, @RestQuery String refused) {
        String problem = refused != null ? refusal(refused)
                : unavailable ? "Your sign-in could not be checked: the company directory cannot be reached just"
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
        return Templates.login(anonymous, problem, notice, access.settings().anonymousPull(), signUp.enabled(),
                config.oidc().enabled() ? config.oidc().providerName() : null);
    }

    /** Why a sign-in through the identity provider opened no session (web.OidcSignInPage). */
    static String refusal(String code) {
        String provider = "Sign-in with the identity provider was refused: ";
        return switch (code) {
            case "group" -> provider + "your account there is not allowed to use this registry.";
            case "name" -> provider + "your name there belongs to another account here. Ask an admin.";
            case "disabled" -> provider + "your account here is disabled.";
            case "unavailable" -> "The identity provider cannot be reached just now: try again in a minute. Local"
                    + " accounts can still sign in with their password.";
            default -> provider + "it did not say who you are.";
        };
    }

    /**
     * Ends the session on the server too: a copy of the cookie is worth nothing afterwards (see access.SessionTicket).
     * An identity provider's account signs out there as well (RP-initiated logout, the OIDC extension's logout
     * path), and comes back to the sign-in page.
     */
    @POST
    @Path("logout")
    public Response logout() {
        Subject subject = web.viewer();
        boolean oidc = false;
        if (!subject.anonymous()) {
            users.endSessions(subject.name());
            oidc = config.oidc().enabled() && users.find(subject.name()).source == AccountSource.OIDC;
        }
        web.endSession();
        if (oidc) {
            // Not a redirect: the browser would still be answering this form's post, and the pages' CSP
            // (form-action 'self') stops a form's redirects at another site. A refresh is a navigation of its own.
            Chrome anonymous = new Chrome("Signing out", "login", null, false, List.of());
            return Response.ok(Templates.signingOut(anonymous, config.oidc().providerName()))
                    .header("Refresh", "0; url=/auth/oidc/logout").build();
        }
        return Response.seeOther(URI.create("/login?signedOut=true")).build();
    }
}
