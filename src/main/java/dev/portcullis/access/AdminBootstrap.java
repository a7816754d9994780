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
        if (admin.username().isEmpty() || admin.password().isEmpty()) {
            if (!User.anyEnabledAdmin()) {
                LOG.warn("no admin exists: set PORTCULLIS_ADMIN_USERNAME and PORTCULLIS_ADMIN_PASSWORD to create one");
            }
            return;
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
