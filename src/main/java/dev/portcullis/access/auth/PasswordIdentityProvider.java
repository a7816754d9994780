package dev.portcullis.access.auth;

import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * HTTP Basic on the JSON API (password or application token) and the web sign-in form (password only), checked
 * like the token endpoint's: same throttle, same disabled accounts.
 */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    @Inject
    Authenticator authenticator;

    @Inject
    SignInFormGuard signInForm;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = ClientAddress.of(routing);
        String secret = new String(request.getPassword().getPassword());
        boolean form = isSignInForm(routing);
        if (form && !signInForm.accepts(routing)) {
            return Uni.createFrom().failure(new AuthenticationFailedException(new SignInFormGuard.Refused()));
        }
        if (form && secret.startsWith(Authenticator.TOKEN_PREFIX)) {
            // The web sign-in opens a session that only remembers the account: it would outlive the token's
            // revocation and drop its narrower rights (read-only, namespaces). Sessions take passwords only.
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return context.runBlocking(() -> {
            Authentication result = authenticator.authenticate(request.getUsername(), secret, address);
            // A web session's principal is its ticket: the form mechanism writes it into the session cookie.
            return Identities.of(result, form && result instanceof Authentication.Authenticated signedIn
                    ? authenticator.ticket(signedIn.userId()).principal() : null);
        });
    }

    /** The form mechanism marks the sign-in post it is handling; HTTP Basic does not. */
    private static boolean isSignInForm(RoutingContext routing) {
        return routing != null
                && routing.get(HttpAuthenticationMechanism.class.getName()) instanceof FormAuthenticationMechanism;
    }

    /** Builds the security identity of an authenticated caller; the {@link Subject} rides along. */
    static final class Identities {
        private Identities() {
        }

        static SecurityIdentity of(Authentication result) {
            return of(result, null);
        }

        /** @param principal the principal's name when it is not the account's (a web session's ticket) */
        static SecurityIdentity of(Authentication result, String principal) {
            if (result instanceof Authentication.Disabled disabled) {
                // As at the token endpoint: said only to whoever knows the secret.
                throw new AuthenticationFailedException(
                        dev.portcullis.core.Refusal.forbidden("account " + disabled.username() + " is disabled"));
            }
            if (!(result instanceof Authentication.Authenticated authenticated)) {
                throw new AuthenticationFailedException();
            }
            Subject subject = authenticated.subject();
            var identity = io.quarkus.security.runtime.QuarkusSecurityIdentity.builder()
                    .setPrincipal(new io.quarkus.security.runtime.QuarkusPrincipal(
                            principal == null ? subject.name() : principal))
                    .addRole("user")
                    .addAttribute(CurrentCaller.SUBJECT, subject);
            // The role the API's admin endpoints ask for; an admin's token limited to namespaces does not have it.
            if (ManagementPolicy.actsAsAdmin(subject)) {
                identity.addRole("admin");
            }
            return identity.build();
        }
    }
}
