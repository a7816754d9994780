package dev.portcullis.access;

import dev.portcullis.core.CountedGauges;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@code portcullis_users} and {@code portcullis_teams}, counted in the database on a schedule. */
@ApplicationScoped
@Startup
public class AccessMetrics {

    @Inject
    CountedGauges gauges;

    @PostConstruct
    void register() {
        gauges.register("portcullis.users", "User accounts, disabled ones included", "SELECT COUNT(*) FROM users");
        gauges.register("portcullis.teams", "Teams", "SELECT COUNT(*) FROM teams");
    }
}
