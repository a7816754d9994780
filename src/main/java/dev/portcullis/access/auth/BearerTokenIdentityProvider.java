package dev.portcullis.access.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * {@code Authorization: Bearer <application token>} on the JSON API. Asked first, it takes only the requests
 * {@link BearerTokenMechanism} marked: the OIDC extension verifies its ID tokens through the same request type, and
 * those must reach the extension's provider rather than fail here.
 */
@ApplicationScoped
public class BearerTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The attribute that marks the mechanism's requests. */
    static final String APPLICATION_TOKEN = "portcullis.application-token";

    @Inject
    Authenticator authenticator;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!Boolean.TRUE.equals(request.getAttribute(APPLICATION_TOKEN))) {
            return Uni.createFrom().nullItem();
        }
        String address = ClientAddress.of(HttpSecurityUtils.getRoutingContextAttribute(request));
        String secret = request.getToken().getToken();
        return context.runBlocking(() ->
                PasswordIdentityProvider.Identities.of(authenticator.authenticateBearer(secret, address)));
    }
}
