package dev.portcullis.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** HTTP Basic on the JSON API (password or application token), checked like the token endpoint's. */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    Authenticator authenticator;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String address = ClientAddress.of(HttpSecurityUtils.getRoutingContextAttribute(request));
        return context.runBlocking(() -> Identities.of(authenticator.authenticate(request.getUsername(),
                new String(request.getPassword().getPassword()), address)));
    }

    /** Builds the security identity of an authenticated caller; the {@link Subject} rides along. */
    static final class Identities {
        private Identities() {
        }

        static SecurityIdentity of(Authentication result) {
            if (result instanceof Authentication.Disabled disabled) {
                // As at the token endpoint: said only to whoever knows the secret.
                throw new AuthenticationFailedException(
                        dev.portcullis.core.HttpProblem.forbidden("account " + disabled.username() + " is disabled"));
            }
            if (!(result instanceof Authentication.Authenticated authenticated)) {
                throw new AuthenticationFailedException();
            }
            Subject subject = authenticated.subject();
            var identity = io.quarkus.security.runtime.QuarkusSecurityIdentity.builder()
                    .setPrincipal(new io.quarkus.security.runtime.QuarkusPrincipal(subject.name()))
                    .addRole("user")
                    .addAttribute(CurrentCaller.SUBJECT, subject);
            if (subject.admin()) {
                identity.addRole("admin");
            }
            return identity.build();
        }
    }
}
