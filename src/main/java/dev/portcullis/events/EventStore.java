package dev.portcullis.events;

import dev.portcullis.registry.Catalog;
import dev.portcullis.registry.RegistryClient;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps each delivered event exactly once in effect: one transaction per delivery, {@code INSERT IGNORE} on the
 * unique event id (so a retry, even a concurrent one, adds nothing), the activity derived in the same commit.
 */
@ApplicationScoped
public class EventStore {

    private static final String INSERT_EVENT = """
            INSERT IGNORE INTO registry_events (event_id, occurred_at, action, repository, tag, digest, media_type,
              size, url, from_repository, actor, request_id, request_addr, request_host, request_method, user_agent,
              source_addr, source_instance)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_ACTIVITY = """
            INSERT IGNORE INTO activities (event_id, occurred_at, action, namespace, repository, tag, digest, actor)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_PARKED = """
            INSERT IGNORE INTO parked_events (event_id, reason, payload) VALUES (?, ?, ?)""";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Inject
    EventMetrics metrics;

    /**
     * Deliveries of overlapping events race on the unique key, and updates of neighbouring repositories on the
     * gap locks of the tags index; InnoDB then picks a victim, which we retry after a short random pause (an
     * immediate retry of two writers in step deadlocks again: 5 of them in a row happened under load).
     */
    static final int DEADLOCK_RETRIES = 10;

    /** Stores the envelope and returns only after the commit. @throws SQLException when the database fails */
    public StoreResult store(Envelope envelope) throws SQLException {
        return storeAll(List.of(envelope)).get(0);
    }

    /**
     * Stores several deliveries in one transaction (a group commit: one commit for many concurrent requests)
     * and answers for each; returns only after the commit. @throws SQLException when the database fails
     */
    public List<StoreResult> storeAll(List<Envelope> envelopes) throws SQLException {
        // One lock order for every transaction: events sorted by id, so concurrent writers queue behind each
        // other instead of deadlocking. Each remembers the delivery it came in.
        List<int[]> origin = new ArrayList<>();
        List<RegistryEvent> events = new ArrayList<>();
        List<Envelope.ParkedEvent> parked = new ArrayList<>();
        for (int k = 0; k < envelopes.size(); k++) {
            for (int i = 0; i < envelopes.get(k).events().size(); i++) {
                origin.add(new int[] {k, i});
            }
            parked.addAll(envelopes.get(k).parked());
        }
        origin.sort(Comparator.comparing(o -> envelopes.get(o[0]).events().get(o[1]).id()));
        for (int[] o : origin) {
            events.add(envelopes.get(o[0]).events().get(o[1]));
        }
        Envelope merged = new Envelope(events, parked);
        int[] inserted;
        for (int attempt = 1; ; attempt++) {
            try {
                inserted = storeOnce(merged);
                break;
            } catch (SQLTransactionRollbackException e) {
                if (attempt >= DEADLOCK_RETRIES) {
                    throw e;
                }
                meters.counter("portcullis.registry.events.retries").increment();
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        int[] stored = new int[envelopes.size()];
        for (int j = 0; j < inserted.length; j++) {
            // Connector/J reports 1 for a new row, 0 for an ignored duplicate.
            boolean isNew = inserted[j] != 0;
            stored[origin.get(j)[0]] += isNew ? 1 : 0;
            metrics.counted(events.get(j), isNew);
        }
        metrics.parked(parked.size());
        List<StoreResult> results = new ArrayList<>(envelopes.size());
        for (int k = 0; k < envelopes.size(); k++) {
            Envelope e = envelopes.get(k);
            results.add(new StoreResult(stored[k], e.events().size() - stored[k], e.parked().size()));
        }
        return results;
    }

    private int[] storeOnce(Envelope envelope) throws SQLException {
        int[] inserted;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                inserted = insertEvents(connection, envelope.events());
                List<RegistryEvent> fresh = new ArrayList<>();
                for (int i = 0; i < inserted.length; i++) {
                    if (inserted[i] != 0) {
                        fresh.add(envelope.events().get(i));
                    }
                }
                insertActivities(connection, fresh);
                // Rows were inserted in id order (one lock order); effects apply in the order things happened.
                fresh.sort(Comparator.comparing(RegistryEvent::timestamp));
                updateCatalog(connection, fresh);
                insertParked(connection, envelope.parked());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        return inserted;
    }

    private static int[] insertEvents(Connection connection, List<RegistryEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return new int[0];
        }
        int[] counts = new int[events.size()];
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (int i = 0; i < events.size(); i++) {
                RegistryEvent e = events.get(i);
                insert.setString(1, e.id());
                insert.setTimestamp(2, Timestamp.from(e.timestamp()));
                insert.setString(3, e.action());
                insert.setString(4, e.repository());
                insert.setString(5, e.tag());
                insert.setString(6, e.digest());
                insert.setString(7, e.mediaType());
                if (e.size() == null) {
                    insert.setNull(8, Types.BIGINT);
                } else {
                    insert.setLong(8, e.size());
                }
                insert.setString(9, e.url());
                insert.setString(10, e.fromRepository());
                insert.setString(11, e.actor());
                insert.setString(12, e.requestId());
                insert.setString(13, e.requestAddr());
                insert.setString(14, e.requestHost());
                insert.setString(15, e.requestMethod());
                insert.setString(16, e.userAgent());
                insert.setString(17, e.sourceAddr());
                insert.setString(18, e.sourceInstance());
                counts[i] = insert.executeUpdate();
            }
        }
        return counts;
    }

    /** Repositories and tags follow the events stored for the first time (a repeat changes nothing). */
    private static void updateCatalog(Connection connection, List<RegistryEvent> events) throws SQLException {
        for (RegistryEvent e : events) {
            String change = e.activity();
            if (change == null) {
                continue;
            }
            switch (change) {
                case "push" -> Catalog.push(connection, e.repository(), e.tag(), e.digest(), e.mediaType(),
                        e.actor(), e.timestamp());
                case "pull" -> {
                    if (!RegistryClient.INTERNAL_SUBJECT.equals(e.actor())) {
                        Catalog.pull(connection, e.repository(), e.tag(), e.digest(), e.timestamp());
                    }
                }
                case "delete" -> Catalog.delete(connection, e.repository(), e.tag(), e.digest(), e.timestamp());
                default -> {
                }
            }
        }
    }

    private static void insertActivities(Connection connection, List<RegistryEvent> events) throws SQLException {
        List<RegistryEvent> shown = new ArrayList<>();
        for (RegistryEvent e : events) {
            // Portcullis's own reads and deletes are recorded by whoever asked for them, not as "_portcullis".
            if (e.activity() != null && !RegistryClient.INTERNAL_SUBJECT.equals(e.actor())) {
                shown.add(e);
            }
        }
        if (shown.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ACTIVITY)) {
            for (RegistryEvent e : shown) {
                insert.setString(1, e.id());
                insert.setTimestamp(2, Timestamp.from(e.timestamp()));
                insert.setString(3, e.activity());
                insert.setString(4, e.namespace());
                insert.setString(5, e.repository());
                insert.setString(6, e.tag());
                insert.setString(7, e.digest());
                insert.setString(8, e.actor());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertParked(Connection connection, List<Envelope.ParkedEvent> parked) throws SQLException {
        if (parked.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_PARKED, Statement.NO_GENERATED_KEYS)) {
            for (Envelope.ParkedEvent p : parked) {
                insert.setString(1, p.id());
                insert.setString(2, p.reason().length() > 512 ? p.reason().substring(0, 512) : p.reason());
                insert.setString(3, p.payload());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
