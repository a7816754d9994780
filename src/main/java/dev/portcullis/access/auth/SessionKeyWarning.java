package dev.portcullis.access.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Says at start when the web sessions' key is not configured. Quarkus's form mechanism would say it too, with the
 * random key it picked in the message: its warning is silenced (application.properties), so that no secret is
 * ever logged, and this one, without the key, replaces it.
 */
@ApplicationScoped
class SessionKeyWarning {

    private static final Logger LOG = Logger.getLogger(SessionKeyWarning.class);

    @ConfigProperty(name = "quarkus.http.auth.session.encryption-key")
    Optional<String> key;

    void onStart(@Observes StartupEvent start) {
        if (key.isEmpty()) {
            LOG.warn("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY is not set: a random key is used, so web sessions end"
                    + " at every restart and are not shared between replicas");
        }
    }
}
