package dev.portcullis.core;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Gauges whose value is a {@code COUNT} in the database, counted at start and every
 * {@code portcullis.metrics.counts-every}, never per scrape (a count per scrape would cost each replica a table
 * scan per scrape). NaN until first counted. Each feature registers its own.
 */
@ApplicationScoped
public class CountedGauges {

    private static final Logger LOG = Logger.getLogger(CountedGauges.class);

    private static final class Counted {
        final String sql;
        volatile double value = Double.NaN;

        Counted(String sql) {
            this.sql = sql;
        }
    }

    private final List<Counted> gauges = new CopyOnWriteArrayList<>();

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource dataSource;

    public void register(String name, String description, String countSql) {
        Counted counted = new Counted(countSql);
        gauges.add(counted);
        Gauge.builder(name, counted, c -> c.value).strongReference(true).description(description).register(meters);
    }

    void start(@Observes StartupEvent start) {
        count();
    }

    @Scheduled(every = "${portcullis.metrics.counts-every}", delayed = "${portcullis.metrics.counts-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void count() {
        try (Connection c = dataSource.getConnection()) {
            for (Counted gauge : gauges) {
                gauge.value = Counts.of(c, gauge.sql);
            }
        } catch (SQLException e) {
            LOG.debugf("gauges not counted: %s", e.getMessage());
        }
    }
}
