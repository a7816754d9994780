package dev.portcullis.web;

import io.quarkus.oidc.OIDCException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The identity provider cannot be reached when someone clicks "Sign in with ...": the OIDC extension fails the
 * request before any page of ours runs. Rather than its bare error page, the sign-in page says so, with the
 * password form still there for local accounts.
 */
@ApplicationScoped
public class OidcUnavailable {

    private static final Logger LOG = Logger.getLogger(OidcUnavailable.class);

    void install(@Observes Router router) {
        router.route("/auth/oidc*").failureHandler(context -> {
            if (!context.response().headWritten() && causedByProvider(context.failure())) {
                LOG.warnf("the identity provider cannot be reached: %s", context.failure().getMessage());
                context.response().setStatusCode(303).putHeader("Location", "/login?refused=unavailable").end();
            } else {
                context.next();
            }
        });
    }

    static boolean causedByProvider(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OIDCException) {
                return true;
            }
        }
        return false;
    }
}
