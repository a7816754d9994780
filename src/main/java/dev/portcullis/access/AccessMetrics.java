package dev.portcullis.access;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;

/**
 * {@code portcullis_users} and {@code portcullis_teams}: counted in the database at start and every
 * {@code portcullis.metrics.counts-every}, not per scrape (each replica would scan the tables per scrape).
 */
@ApplicationScoped
public class AccessMetrics {

    private static final Logger LOG = Logger.getLogger(AccessMetrics.class);

    private volatile double users = Double.NaN;
    private volatile double teams = Double.NaN;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    public AccessMetrics(MeterRegistry meters) {
        Gauge.builder("portcullis.users", this, m -> m.users).strongReference(true)
                .description("User accounts, disabled ones included").register(meters);
        Gauge.builder("portcullis.teams", this, m -> m.teams).strongReference(true)
                .description("Teams").register(meters);
    }

    void start(@Observes StartupEvent start) {
        count();
    }

    @Scheduled(every = "${portcullis.metrics.counts-every}", delayed = "${portcullis.metrics.counts-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void count() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            users = count(s, "SELECT COUNT(*) FROM users");
            teams = count(s, "SELECT COUNT(*) FROM teams");
        } catch (SQLException e) {
            LOG.debugf("users and teams not counted: %s", e.getMessage());
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
