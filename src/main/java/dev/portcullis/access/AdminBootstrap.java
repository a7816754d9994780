package dev.portcullis.access;

import dev.portcullis.config.PortcullisConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/** Creates the configured admin at start while no admin exists; an existing one is never overwritten. */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

    @Inject
    PortcullisConfig config;

    @Inject
    Users users;

    @Transactional
    void onStart(@Observes StartupEvent start) {
        var admin = config.admin();
        var signup = config.signup();
        if (!admin.configured()) {
            if (!User.anyEnabledAdmin()) {
                LOG.warn(signup.enabled() && signup.firstUserAdmin()
                        ? "no admin exists: the first account signed up at /signup becomes admin"
                        : "no admin exists: set PORTCULLIS_ADMIN_USERNAME and PORTCULLIS_ADMIN_PASSWORD to create one");
            }
            return;
        }
        if (signup.firstUserAdmin()) {
            LOG.info("portcullis.signup.first-user-admin has no effect: the first admin is the configured one");
        }
        if (User.count("admin = true") > 0) {
            return;
        }
        if (User.findByUsername(admin.username().get()).isPresent()) {
            LOG.warnf("no admin exists and the name '%s' belongs to a user: not overwriting it",
                    admin.username().get());
            return;
        }
        users.create("portcullis", admin.username().get(), admin.password().get().reveal(), null, true);
        LOG.infof("created the admin '%s'", admin.username().get());
    }
}
