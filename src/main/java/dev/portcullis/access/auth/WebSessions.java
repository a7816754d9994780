package dev.portcullis.access.auth;

import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.PersistentLoginManager;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.lang.reflect.Field;

/**
 * Opens the web UI's own session for an account another mechanism vouched for (an OpenID Connect sign-in): the same
 * encrypted cookie, written by the same manager, as the sign-in form's, so that {@link SessionIdentityProvider}
 * checks it like any other. The form mechanism keeps its manager to itself; it is read once, by reflection, rather
 * than copying its key handling (the key may be a random one of this start).
 */
@ApplicationScoped
@RegisterForReflection(targets = FormAuthenticationMechanism.class, methods = false) // the native image's field
public class WebSessions {

    @Inject
    Authenticator authenticator;

    @Inject
    Instance<HttpAuthenticationMechanism> mechanisms;

    private volatile PersistentLoginManager manager;

    /** Writes the session cookie of the account into the response; blocking (reads the account). */
    public void open(long userId, RoutingContext routing) {
        SecurityIdentity identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(authenticator.ticket(userId).principal())).build();
        manager().save(identity, routing, null, routing.request().isSSL());
    }

    private PersistentLoginManager manager() {
        PersistentLoginManager found = manager;
        if (found == null) {
            FormAuthenticationMechanism form = mechanisms.stream().map(ClientProxy::unwrap)
                    .filter(FormAuthenticationMechanism.class::isInstance).map(FormAuthenticationMechanism.class::cast)
                    .findFirst().orElseThrow(() -> new IllegalStateException("the sign-in form is off"));
            try {
                Field field = FormAuthenticationMechanism.class.getDeclaredField("loginManager");
                field.setAccessible(true);
                found = (PersistentLoginManager) field.get(form);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the form mechanism's session manager cannot be read", e);
            }
            manager = found;
        }
        return found;
    }
}
