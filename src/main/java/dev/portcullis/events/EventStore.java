package dev.portcullis.events;

import dev.portcullis.registry.Catalog;
import dev.portcullis.registry.CatalogWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Keeps each delivered event exactly once in effect, inside the catalog writer's transaction: {@code INSERT IGNORE}
 * on the unique event id (so a retry adds nothing, even one another replica stored a moment ago), and for the
 * events new to us their activity and their change of the catalog in the same commit. Stateless: what it returns
 * is counted only after the commit.
 */
final class EventStore {

    private static final String INSERT_EVENTS = """
            INSERT IGNORE INTO registry_events (event_id, occurred_at, action, repository, tag, digest, media_type,
              size, url, from_repository, actor, request_id, request_addr, request_host, request_method, user_agent,
              source_addr, source_instance) VALUES """;
    private static final String EVENT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ACTIVITIES = """
            INSERT IGNORE INTO activities (event_id, occurred_at, action, namespace, repository, tag, digest, actor)
            VALUES """;
    private static final String ACTIVITY_ROW = "(?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_PARKED = """
            INSERT IGNORE INTO parked_events (event_id, reason, payload) VALUES (?, ?, ?)""";

    /** What one delivery stored: the events new to us (the rest were repeats), and how many were parked. */
    record Stored(List<RegistryEvent> fresh, int duplicates, int parked) {

        StoreResult result() {
            return new StoreResult(fresh.size(), duplicates, parked);
        }
    }

    /** Rows per multi-row statement: far below the protocol's 65,535 placeholders. */
    static final int ROWS = 500;

    private EventStore() {
    }

    /** One delivery to store: deliveries queued together are stored by {@link #storeAll}. */
    record Delivery(Envelope envelope, List<EventOutbox> outboxes) implements CatalogWriter.Joinable<Stored> {

        @Override
        public List<Stored> applyTogether(Catalog catalog, List<CatalogWriter.Joinable<Stored>> writes)
                throws SQLException {
            List<Envelope> envelopes = new ArrayList<>(writes.size());
            writes.forEach(w -> envelopes.add(((Delivery) w).envelope()));
            return followed(catalog, storeAll(catalog, envelopes), outboxes);
        }
    }

    /**
     * The outboxes hear of the fresh events of all the deliveries at once, in the same transaction (both commit or
     * neither): each delivery's in the order they happened, the deliveries in the order they came.
     */
    static List<Stored> followed(Catalog catalog, List<Stored> stored, List<EventOutbox> outboxes)
            throws SQLException {
        if (outboxes.isEmpty()) {
            return stored;
        }
        List<RegistryEvent> fresh = new ArrayList<>();
        for (Stored one : stored) {
            List<RegistryEvent> ordered = new ArrayList<>(one.fresh());
            ordered.sort(Comparator.comparing(RegistryEvent::timestamp));
            fresh.addAll(ordered);
        }
        if (!fresh.isEmpty()) {
            for (EventOutbox outbox : outboxes) {
                for (int from = 0; from < fresh.size(); from += ROWS) {
                    outbox.stored(catalog.connection(), fresh.subList(from, Math.min(fresh.size(), from + ROWS)));
                }
            }
        }
        return stored;
    }

    /** Stores one delivery in the writer's transaction. */
    static Stored store(Catalog catalog, Envelope envelope) throws SQLException {
        return storeAll(catalog, List.of(envelope)).get(0);
    }

    /**
     * Stores the deliveries the writer has queued, in their order, with one statement per kind of row for all of
     * them: the round trips of a batch do not grow with its deliveries.
     */
    static List<Stored> storeAll(Catalog catalog, List<Envelope> envelopes) throws SQLException {
        Connection connection = catalog.connection();
        List<RegistryEvent> all = new ArrayList<>();
        List<Envelope.ParkedEvent> parked = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            all.addAll(envelope.events());
            parked.addAll(envelope.parked());
        }
        Set<RegistryEvent> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        fresh.addAll(insertEvents(connection, all));
        insertActivities(connection, all.stream().filter(fresh::contains).toList());
        CatalogChanges changes = new CatalogChanges(catalog);
        List<Stored> results = new ArrayList<>(envelopes.size());
        for (Envelope envelope : envelopes) {
            List<RegistryEvent> freshHere = envelope.events().stream().filter(fresh::contains).toList();
            // Effects apply in the order things happened: an envelope may hold a push and the delete that followed.
            List<RegistryEvent> ordered = new ArrayList<>(freshHere);
            ordered.sort(Comparator.comparing(RegistryEvent::timestamp));
            for (RegistryEvent e : ordered) {
                if (e.effect() != RegistryEvent.Effect.IGNORED) {
                    changes.add(e);
                }
            }
            results.add(new Stored(freshHere, envelope.events().size() - freshHere.size(), envelope.parked().size()));
        }
        changes.flush();
        insertParked(connection, parked);
        return results;
    }

    /**
     * The same delivery, one event at a time, for when storing it whole failed for a reason of its own (a value the
     * database refuses): each event that fails again is parked with the database's reason, the others are stored.
     * The registry gets its 2xx, and never sends a delivery that cannot be stored forever.
     *
     * @param payloads each event as JSON, for the parked ones
     */
    static Stored storeEach(Catalog catalog, Envelope envelope, List<String> payloads) throws SQLException {
        Connection connection = catalog.connection();
        List<RegistryEvent> fresh = new ArrayList<>();
        List<Envelope.ParkedEvent> parked = new ArrayList<>(envelope.parked());
        int duplicates = 0;
        for (int i = 0; i < envelope.events().size(); i++) {
            RegistryEvent event = envelope.events().get(i);
            Savepoint before = connection.setSavepoint();
            try {
                Stored one = store(catalog, new Envelope(List.of(event), List.of()));
                fresh.addAll(one.fresh());
                duplicates += one.duplicates();
                connection.releaseSavepoint(before);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(before);
                parked.add(new Envelope.ParkedEvent(event.id(), "could not be stored: " + e.getMessage(),
                        payloads.get(i)));
            }
        }
        insertParked(connection, parked);
        return new Stored(fresh, duplicates, parked.size());
    }

    /**
     * One statement for the delivery's events; {@code RETURNING} names the rows it inserted, so a repeat (ignored
     * on the unique event id) is told from a new event without a statement per event.
     * @return the events inserted now, the first of each id
     */
    private static List<RegistryEvent> insertEvents(Connection connection, List<RegistryEvent> events)
            throws SQLException {
        List<RegistryEvent> fresh = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        for (int from = 0; from < events.size(); from += ROWS) {
            for (RegistryEvent e : insertChunk(connection, events.subList(from, Math.min(events.size(), from + ROWS)))) {
                if (seen.add(e.id())) { // a repeat in a later chunk was ignored by the database already
                    fresh.add(e);
                }
            }
        }
        return fresh;
    }

    private static List<RegistryEvent> insertChunk(Connection connection, List<RegistryEvent> events)
            throws SQLException {
        List<RegistryEvent> fresh = new ArrayList<>(events.size());
        if (events.isEmpty()) {
            return fresh;
        }
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(
                INSERT_EVENTS + rows(EVENT_ROW, events.size()) + " RETURNING event_id")) {
            int i = 0;
            for (RegistryEvent e : events) {
                insert.setString(++i, e.id());
                insert.setTimestamp(++i, Timestamp.from(e.timestamp()));
                insert.setString(++i, e.action());
                insert.setString(++i, e.repository());
                insert.setString(++i, e.tag());
                insert.setString(++i, e.digest());
                insert.setString(++i, e.mediaType());
                if (e.size() == null) {
                    insert.setNull(++i, Types.BIGINT);
                } else {
                    insert.setLong(++i, e.size());
                }
                insert.setString(++i, e.url());
                insert.setString(++i, e.fromRepository());
                insert.setString(++i, e.actor());
                insert.setString(++i, e.requestId());
                insert.setString(++i, e.requestAddr());
                insert.setString(++i, e.requestHost());
                insert.setString(++i, e.requestMethod());
                insert.setString(++i, e.userAgent());
                insert.setString(++i, e.sourceAddr());
                insert.setString(++i, e.sourceInstance());
            }
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        for (RegistryEvent e : events) {
            if (inserted.remove(e.id())) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    private static void insertActivities(Connection connection, List<RegistryEvent> events) throws SQLException {
        List<RegistryEvent> shown = events.stream().filter(e -> e.effect() == RegistryEvent.Effect.TAKES_EFFECT)
                .toList();
        for (int from = 0; from < shown.size(); from += ROWS) {
            insertActivityChunk(connection, shown.subList(from, Math.min(shown.size(), from + ROWS)));
        }
    }

    private static void insertActivityChunk(Connection connection, List<RegistryEvent> shown) throws SQLException {
        if (shown.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                INSERT_ACTIVITIES + rows(ACTIVITY_ROW, shown.size()))) {
            int i = 0;
            for (RegistryEvent e : shown) {
                insert.setString(++i, e.id());
                insert.setTimestamp(++i, Timestamp.from(e.timestamp()));
                insert.setString(++i, e.activity());
                insert.setString(++i, e.namespace());
                insert.setString(++i, e.repository());
                insert.setString(++i, e.tag());
                insert.setString(++i, e.digest());
                insert.setString(++i, e.actor());
            }
            insert.executeUpdate();
        }
    }

    /** {@code n} rows of placeholders for a multi-row {@code VALUES}. */
    private static String rows(String row, int n) {
        return String.join(", ", Collections.nCopies(n, row));
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
