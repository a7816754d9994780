package dev.portcullis.access.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The web UI's session cookie: the form mechanism decrypts it to an account name and asks here on every request.
 * The account is looked up each time, so a disabled or deleted account, or one that signed out, loses its sessions
 * at once (see {@link SessionTicket}).
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
        String principal = request.getPrincipal();
        // The same principal again, so that the cookie the form mechanism renews now and then keeps the ticket.
        return context.runBlocking(() -> PasswordIdentityProvider.Identities.of(authenticator.session(principal),
                principal));
    }
}
