package dev.portcullis.registry;

import dev.portcullis.core.CountedGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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
@Startup
public class RegistryMetrics {

    static final long PROBE_AFTER_NANOS = 30_000_000_000L;

    private final MeterRegistry meters;
    private final Map<String, Counter> reconciliations;
    private final Map<String, Counter> changes;
    private final Map<String, Counter> details;

    @Inject
    RegistryClient registry;

    @Inject
    public RegistryMetrics(MeterRegistry meters, CountedGauges gauges) {
        this.meters = meters;
        reconciliations = each(List.of("ok", "failed"),
                outcome -> meters.counter("portcullis.reconciliations", "outcome", outcome));
        changes = each(List.of("added", "changed", "removed"),
                kind -> meters.counter("portcullis.reconciliation.changes", "kind", kind));
        details = each(List.of("fetched", "failed"),
                result -> meters.counter("portcullis.registry.details", "result", result));
        gauges.register("portcullis.repositories", "Repositories in the catalog", "SELECT COUNT(*) FROM repositories");
        gauges.register("portcullis.tags", "Tags in the catalog", "SELECT COUNT(*) FROM tags");
    }

    @PostConstruct
    void reachability() {
        Gauge.builder("portcullis.registry.reachable", registry, RegistryClient::reachability).strongReference(true)
                .description("1 when the registry answered the last call, 0 when it did not").register(meters);
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

    /** Nobody called the registry for a while: ask it, so that reachability does not go stale. */
    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void probe() {
        if (registry.configured() && registry.idleNanos() >= PROBE_AFTER_NANOS) {
            registry.reachable();
        }
    }

    private static <M> Map<String, M> each(List<String> values, Function<String, M> meter) {
        return values.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), meter));
    }
}
