package dev.portcullis.access.auth;

import dev.portcullis.core.Faces;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The web UI's session cookie: the form mechanism decrypts it to an account name and asks here on every request.
 * The account is looked up each time, so a disabled or deleted account, or one that signed out, loses its sessions
 * at once (see {@link SessionTicket}).
 *
 * <p>Only the pages take the cookie. The JSON API and the registry's endpoints take HTTP Basic or a bearer token:
 * there a cookie is as if absent (the browser sends it to the whole site), so a page's rules (the current password,
 * the CSRF token) cannot be skipped by calling the API with a visitor's session.
 */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    @Inject
    Authenticator authenticator;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routing == null || !Faces.isPage(routing.request().path())) {
            return Uni.createFrom().nullItem();
        }
        String principal = request.getPrincipal();
        // The same principal again, so that the cookie the form mechanism renews now and then keeps the ticket.
        return context.runBlocking(() -> PasswordIdentityProvider.Identities.of(authenticator.session(principal),
                principal));
    }
}
