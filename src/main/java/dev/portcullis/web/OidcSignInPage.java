package dev.portcullis.web;

import dev.portcullis.access.auth.WebSessions;
import dev.portcullis.access.oidc.IdTokenClaims;
import dev.portcullis.access.oidc.OidcAccounts;
import dev.portcullis.config.PortcullisConfig;
import io.quarkus.oidc.IdToken;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * "Sign in with ...": the OIDC extension's tenant {@code idp} guards this path alone (authorization code flow with
 * PKCE, application.properties). Reached with a verified ID token, it makes or updates the account and opens
 * Portcullis's own session, the one every page checks; the provider's session stays behind the path, for the
 * RP-initiated logout at sign-out ({@link SignInPage#logout}).
 */
@Path("/auth/oidc")
public class OidcSignInPage {

    private static final Logger LOG = Logger.getLogger(OidcSignInPage.class);

    @Inject
    @IdToken
    JsonWebToken idToken;

    @Inject
    OidcAccounts accounts;

    @Inject
    WebSessions sessions;

    @Inject
    PortcullisConfig config;

    @GET
    public Response signIn(RoutingContext routing) {
        if (!config.oidc().enabled() || idToken == null || idToken.getRawToken() == null) {
            return Response.seeOther(URI.create("/login")).build();
        }
        var person = IdTokenClaims.person(idToken::getClaim, config.oidc());
        if (person.isEmpty()) {
            LOG.warnf("an ID token without the claims '%s' and 'sub' cannot sign in", config.oidc().usernameClaim());
            return refused("noname");
        }
        OidcAccounts.Outcome outcome = accounts.signedIn(person.get());
        if (outcome instanceof OidcAccounts.Outcome.SignedIn signedIn) {
            sessions.open(signedIn.userId(), routing);
            return Response.seeOther(URI.create("/")).build();
        }
        return refused(((OidcAccounts.Outcome.Refused) outcome).code());
    }

    private static Response refused(String code) {
        return Response.seeOther(URI.create("/login?refused=" + code)).build();
    }
}
