package dev.portcullis.access.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@code Authorization: Bearer <application token>} on the JSON API. */
@ApplicationScoped
public class BearerTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    Authenticator authenticator;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String address = ClientAddress.of(HttpSecurityUtils.getRoutingContextAttribute(request));
        String secret = request.getToken().getToken();
        return context.runBlocking(() ->
                PasswordIdentityProvider.Identities.of(authenticator.authenticateBearer(secret, address)));
    }
}
