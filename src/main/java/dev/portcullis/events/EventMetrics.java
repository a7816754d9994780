package dev.portcullis.events;

import dev.portcullis.config.PortcullisConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The sink's meters. Every label value is fixed here or bounded by {@link NamespaceLabels}:
 * <ul>
 * <li>{@code portcullis_registry_events_total{action,result}}: each event of each delivery, once: stored (new,
 * and it changed the catalog or the feed), ignored (new, and it changes neither: blob events, HEAD checks,
 * mounts, Portcullis's own reads), duplicate (a retry of a stored event), parked (unreadable; action unknown);</li>
 * <li>{@code portcullis_namespace_activities_total{action,registry_namespace}}: pushes, pulls and deletes as the
 * feed shows them, by the namespace of the repository (at most {@code portcullis.metrics.namespace-labels}
 * values, the rest under {@code _other}; not {@code namespace}, which Prometheus sets to the pod's);</li>
 * <li>{@code portcullis_ingest_duration_seconds{outcome}}: from a delivery's arrival to the commit that holds
 * its events (committed) or to the answer that it was not stored (failed), as a histogram.</li>
 * </ul>
 */
@ApplicationScoped
public class EventMetrics {

    private static final Logger LOG = Logger.getLogger(EventMetrics.class);
    static final List<String> RESULTS = List.of("stored", "ignored", "duplicate");
    static final List<String> ACTIVITIES = List.of("push", "pull", "delete");
    /** The registry gives up on a delivery after its notifications timeout (often 1 s) and sends it again. */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry meters;
    private final NamespaceLabels namespaces;
    private final Map<String, Counter> events = new HashMap<>();
    private final Counter parked;
    private final Timer committed;
    private final Timer failed;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    public EventMetrics(MeterRegistry meters, PortcullisConfig config) {
        this.meters = meters;
        this.namespaces = new NamespaceLabels(config.metrics().namespaceLabels());
        for (String action : EnvelopeParser.ACTIONS) {
            for (String result : RESULTS) {
                events.put(action + "/" + result, meters.counter("portcullis.registry.events", "action", action,
                        "result", result));
            }
        }
        parked = meters.counter("portcullis.registry.events", "action", "unknown", "result", "parked");
        // Counted where it happens (EventWriter); registered here so that it shows 0 from the start.
        meters.counter("portcullis.registry.events.shed");
        committed = ingest(meters, "committed");
        failed = ingest(meters, "failed");
    }

    private static Timer ingest(MeterRegistry meters, String outcome) {
        return Timer.builder("portcullis.ingest.duration").tag("outcome", outcome)
                .description("From a notification's arrival to the commit of its events")
                .serviceLevelObjectives(BUCKETS).register(meters);
    }

    /** The busiest namespaces (by pulls) get their labels first, so a restart does not hand them to newcomers. */
    void seat(@Observes StartupEvent start) {
        List<String> busiest = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT namespace FROM repositories GROUP BY namespace
                ORDER BY SUM(pull_count) DESC, namespace LIMIT ?""")) {
            s.setInt(1, Math.max(1, namespaces.limit()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    busiest.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            LOG.warnf("namespace labels not seeded, handed out as namespaces appear: %s", e.getMessage());
        }
        namespaces.seat(busiest);
    }

    /** One event of a delivery, counted once, after its commit. */
    void counted(RegistryEvent event, boolean isNew) {
        String result = !isNew ? "duplicate" : event.effect() == RegistryEvent.Effect.IGNORED ? "ignored" : "stored";
        events.get(event.action() + "/" + result).increment();
        // As the feed shows them: not Portcullis's own deletes, which the feed has under whoever asked.
        if (isNew && event.effect() == RegistryEvent.Effect.TAKES_EFFECT && ACTIVITIES.contains(event.activity())) {
            meters.counter("portcullis.namespace.activities", "action", event.activity(),
                    "registry_namespace", namespaces.label(event.namespace())).increment();
        }
    }

    void parked(int count) {
        parked.increment(count);
    }

    /** A delivery answered after the commit of its events ({@code committed}) or without storing them. */
    void ingested(long startedNanos, boolean committed) {
        (committed ? this.committed : failed).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** The label value a namespace counts under on {@code portcullis_namespace_activities_total}. */
    String namespaceLabel(String namespace) {
        return namespaces.label(namespace);
    }
}
