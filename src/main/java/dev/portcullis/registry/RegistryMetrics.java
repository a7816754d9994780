package dev.portcullis.registry;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The registry feature's meters, every label value fixed here and registered at start:
 * <ul>
 * <li>{@code portcullis_reconciliations_total{outcome}}: ok, failed (registry or database);</li>
 * <li>{@code portcullis_reconciliation_changes_total{kind}}: tags added, changed (moved to another digest),
 * removed;</li>
 * <li>{@code portcullis_registry_details_total{result}}: manifests whose details were fetched, or not;</li>
 * <li>{@code portcullis_registry_reachable}: 1 when the registry answered Portcullis's last call (any status
 * below 500), 0 when it did not; NaN before the first. An idle Portcullis asks {@code /v2/} every 30 s, so
 * the value is never older than that;</li>
 * <li>{@code portcullis_repositories}, {@code portcullis_tags}: counted in the database every
 * {@code portcullis.metrics.counts-every}, not per scrape.</li>
 * </ul>
 */
@ApplicationScoped
public class RegistryMetrics {

    private static final Logger LOG = Logger.getLogger(RegistryMetrics.class);
    static final long PROBE_AFTER_NANOS = 30_000_000_000L;

    private final Map<String, Counter> reconciliations;
    private final Map<String, Counter> changes;
    private final Map<String, Counter> details;
    private volatile double reachable = Double.NaN;
    private volatile long lastAnswer = System.nanoTime() - PROBE_AFTER_NANOS;
    private volatile double repositories = Double.NaN;
    private volatile double tags = Double.NaN;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RegistryClient registry;

    @Inject
    public RegistryMetrics(MeterRegistry meters) {
        reconciliations = each(List.of("ok", "failed"),
                outcome -> meters.counter("portcullis.reconciliations", "outcome", outcome));
        changes = each(List.of("added", "changed", "removed"),
                kind -> meters.counter("portcullis.reconciliation.changes", "kind", kind));
        details = each(List.of("fetched", "failed"),
                result -> meters.counter("portcullis.registry.details", "result", result));
        Gauge.builder("portcullis.registry.reachable", this, m -> m.reachable).strongReference(true)
                .description("1 when the registry answered the last call, 0 when it did not").register(meters);
        Gauge.builder("portcullis.repositories", this, m -> m.repositories).strongReference(true)
                .description("Repositories in the catalog").register(meters);
        Gauge.builder("portcullis.tags", this, m -> m.tags).strongReference(true)
                .description("Tags in the catalog").register(meters);
    }

    void reconciled(Reconciler.Result result) {
        reconciliations.get(result.outcome()).increment();
        changes.get("added").increment(result.added().size());
        changes.get("changed").increment(result.changed().size());
        changes.get("removed").increment(result.removed().size());
    }

    void reconciliationFailed() {
        reconciliations.get("failed").increment();
    }

    void detailsFetched(boolean fetched) {
        details.get(fetched ? "fetched" : "failed").increment();
    }

    /** The registry answered with {@code status}, or could not be asked ({@code status} 0). */
    void answered(int status) {
        boolean up = status > 0 && status < 500;
        reachable = up ? 1 : 0;
        if (up) {
            lastAnswer = System.nanoTime();
        }
    }

    void start(@Observes StartupEvent start) {
        count();
    }

    /** Counts again on a schedule: a COUNT per scrape would cost each replica a table scan per scrape. */
    @Scheduled(every = "${portcullis.metrics.counts-every}", delayed = "${portcullis.metrics.counts-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void count() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            repositories = count(s, "SELECT COUNT(*) FROM repositories");
            tags = count(s, "SELECT COUNT(*) FROM tags");
        } catch (SQLException e) {
            LOG.debugf("repositories and tags not counted: %s", e.getMessage());
        }
    }

    /** Nobody called the registry for a while: ask it, so that reachability does not go stale. */
    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void probe() {
        if (registry.configured() && System.nanoTime() - lastAnswer >= PROBE_AFTER_NANOS) {
            registry.reachable();
        }
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static <M> Map<String, M> each(List<String> values, Function<String, M> meter) {
        return values.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), meter));
    }
}
