package dev.portcullis.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.CatalogWriter;
import dev.portcullis.registry.Commits;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The sink's door to the {@link CatalogWriter}: each delivery is one write there, committed together with whatever
 * else has queued (a group commit), and answered only after that commit. A full queue is a fast 503 (the registry
 * retries), never a slow timeout: the events accepted already would take longer to write than
 * {@code portcullis.events.max-wait} at the rate the writer achieves, or the writer has been on one batch for that
 * long (a few large envelopes, or a stalled database, would otherwise keep deliveries waiting for longer than the
 * registry waits for an answer).
 */
@ApplicationScoped
public class EventWriter {

    private static final Logger LOG = Logger.getLogger(EventWriter.class);

    /** Pending events up to which nothing is refused for taking too long: the most one envelope may hold. */
    static final int ALWAYS_ADMITTED = EnvelopeParser.MAX_EVENTS;

    /** Events of the deliveries queued or being written: what an accepted delivery waits behind. */
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final AtomicInteger pendingDeliveries = new AtomicInteger();

    @Inject
    CatalogWriter writer;

    @Inject
    EventMetrics metrics;

    @Inject
    MeterRegistry meters;

    @Inject
    PortcullisConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Instance<EventOutbox> outboxes;

    @PostConstruct
    void start() {
        meters.gauge("portcullis.registry.events.queued", pendingDeliveries, AtomicInteger::get);
    }

    /**
     * Stores the envelope with whatever else is waiting; completes after the commit, on {@code after} (the request's
     * event loop: nothing runs on the writer's thread but the writes), with a {@link Refusal} or the
     * {@link SQLException} when it could not be stored.
     */
    public CompletableFuture<StoreResult> store(Envelope envelope, Executor after) {
        int events = envelope.events().size() + envelope.parked().size();
        if (!admit(events)) {
            return CompletableFuture.failedFuture(shed());
        }
        pendingDeliveries.incrementAndGet();
        CompletableFuture<EventStore.Stored> write = writer.submit(new EventStore.Delivery(envelope, outboxes()), events);
        // Counted out before anyone hears back: a sender's next delivery never waits behind its last.
        write.whenComplete((stored, failure) -> {
            pendingEvents.addAndGet(-events);
            pendingDeliveries.decrementAndGet();
        });
        CompletableFuture<StoreResult> result = new CompletableFuture<>();
        Commits.whenCommitted(write, after).whenComplete((stored, failure) -> {
            if (failure == null) {
                result.complete(counted(envelope, stored));
            } else if (failure instanceof Commits.Late) {
                // The commit may still happen: the registry's retry then finds the events stored, and dedupes.
                result.completeExceptionally(Refusal.unavailable("storing events took too long, retry later"));
            } else if (Commits.someoneAtFault(failure)) {
                // This delivery, not the database: store what can be, park the rest (see EventStore.storeEach).
                LOG.warnf("a delivery could not be stored whole (%s): storing its events one by one",
                        failure.getMessage());
                List<String> payloads = envelope.events().stream().map(this::json).toList();
                Commits.whenCommitted(writer.submit(catalog -> EventStore.followed(catalog,
                        List.of(EventStore.storeEach(catalog, envelope, payloads)), outboxes()).get(0), events), after).whenComplete((one, again) -> {
                            if (again == null) {
                                result.complete(counted(envelope, one));
                            } else {
                                result.completeExceptionally(again);
                            }
                        });
            } else {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    /** Whatever must commit with the fresh events (the webhooks' outbox). */
    private List<EventOutbox> outboxes() {
        return outboxes.stream().toList();
    }

    private StoreResult counted(Envelope envelope, EventStore.Stored stored) {
        Set<RegistryEvent> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        fresh.addAll(stored.fresh());
        for (RegistryEvent event : envelope.events()) {
            metrics.counted(event, fresh.contains(event));
        }
        metrics.parked(stored.parked());
        return stored.result();
    }

    private String json(RegistryEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return "{\"id\":\"" + event.id() + "\"}";
        }
    }

    /** Refuses (503) when any delivery would be refused now, whatever its size: before its body is parsed. */
    public void refuseWhenSaturated() {
        if (tooLong(pendingEvents.get())) {
            throw shed();
        }
    }

    /** Counts the events in unless the backlog would take too long to write; an idle sink takes any envelope. */
    private boolean admit(int events) {
        while (true) {
            int pending = pendingEvents.get();
            if (tooLong(pending + events)) {
                return false;
            }
            if (pendingEvents.compareAndSet(pending, pending + events)) {
                return true;
            }
        }
    }

    /**
     * What a new delivery would wait for: the backlog at the rate the writer achieves, after the batch it is on
     * (a stalled database shows there first). Up to one full envelope's worth is always fine: small batches make
     * the measured rate look low (a commit costs the same for one event as for a hundred).
     */
    private boolean tooLong(int events) {
        if (events <= ALWAYS_ADMITTED) {
            return false;
        }
        double seconds = events / writer.weightPerSecond() + writer.busyNanos() / 1e9;
        return seconds * 1000 > config.events().maxWait().toMillis();
    }

    private Refusal shed() {
        meters.counter("portcullis.registry.events.shed").increment();
        return Refusal.unavailable("the sink is saturated, retry later");
    }
}
