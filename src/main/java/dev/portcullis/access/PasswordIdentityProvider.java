package dev.portcullis.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** HTTP Basic on the JSON API, checked by the same {@link Authenticator} as the token endpoint. */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    public static final String SUBJECT = "portcullis.subject";

    @Inject
    Authenticator authenticator;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            Authentication result = authenticator.authenticate(request.getUsername(),
                    new String(request.getPassword().getPassword()));
            if (!(result instanceof Authentication.Authenticated authenticated)) {
                throw new AuthenticationFailedException();
            }
            User user = authenticated.user();
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(user.username))
                    .addRole("user")
                    .addAttribute(SUBJECT, user.subject());
            if (user.admin) {
                identity.addRole("admin");
            }
            return identity.build();
        });
    }
}
