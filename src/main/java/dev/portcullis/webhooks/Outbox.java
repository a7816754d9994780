package dev.portcullis.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.AccessChanged;
import dev.portcullis.events.EventOutbox;
import dev.portcullis.events.RegistryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the deliveries to make into the outbox in the transaction that makes the change: the catalog writer's for
 * registry events (one {@code INSERT … SELECT} per delivery from the registry, matching every enabled webhook
 * subscribed to the event's namespace or global), the API's for access changes. Committed together or not at
 * all: nothing is sent for an event that was not stored, nothing stored is left unsent.
 */
@ApplicationScoped
public class Outbox implements EventOutbox {

    private static final String INSERT_FOR_EVENTS = """
            INSERT INTO webhook_deliveries (webhook_id, event_type, event_id, created_at, next_attempt_at)
            SELECT w.id, v.type, v.event_id, ?, ? FROM (%s) v
              JOIN webhooks w ON w.enabled AND FIND_IN_SET(v.type, w.events) > 0
              LEFT JOIN namespaces n ON n.id = w.namespace_id
            WHERE w.namespace_id IS NULL OR n.name = v.namespace
            ORDER BY v.ord, w.id""";
    private static final String EVENT_ROW_FIRST = "SELECT ? AS ord, ? AS event_id, ? AS type, ? AS namespace";
    private static final String EVENT_ROW = "SELECT ?, ?, ?, ?";

    @Inject
    Clock clock;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    /** In the catalog writer's transaction: registry events that took effect (blobs and HEAD checks do not). */
    @Override
    public void stored(Connection connection, List<RegistryEvent> fresh) throws SQLException {
        List<RegistryEvent> sent = new ArrayList<>(fresh.size());
        for (RegistryEvent e : fresh) {
            if (e.effect() != RegistryEvent.Effect.IGNORED) {
                sent.add(e);
            }
        }
        if (sent.isEmpty()) {
            return;
        }
        List<String> rows = new ArrayList<>(Collections.nCopies(sent.size(), EVENT_ROW));
        rows.set(0, EVENT_ROW_FIRST);
        Timestamp now = Timestamp.from(clock.instant());
        try (PreparedStatement insert = connection.prepareStatement(
                INSERT_FOR_EVENTS.formatted(String.join(" UNION ALL ", rows)))) {
            int i = 0;
            insert.setTimestamp(++i, now);
            insert.setTimestamp(++i, now);
            int ord = 0;
            for (RegistryEvent e : sent) {
                insert.setInt(++i, ord++);
                insert.setString(++i, e.id());
                insert.setString(++i, e.activity());
                insert.setString(++i, e.namespace());
            }
            insert.executeUpdate();
        }
    }

    /** In the API's transaction, beside the change itself and its entry in the feed. */
    void accessChanged(@Observes AccessChanged change) {
        EventType type = EventType.ofAccessChange(change.action(), change.detail()).orElse(null);
        if (type == null) {
            return;
        }
        String matching = switch (type) {
            case MEMBER_ADDED, MEMBER_REMOVED, MEMBER_ROLE_CHANGED -> """
                    w.namespace_id IS NULL OR w.namespace_id IN (
                      SELECT n.id FROM namespaces n JOIN teams t ON t.id = n.team_id WHERE t.name = ?4)""";
            case VISIBILITY_CHANGED -> "w.namespace_id IS NULL OR w.namespace_id = (SELECT id FROM namespaces"
                    + " WHERE name = ?4)";
            default -> "w.namespace_id IS NULL"; // a token is an account's, not a namespace's
        };
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", change.action());
        data.put("actor", change.actor());
        data.put("namespace", change.namespace());
        data.put("team", change.team());
        data.put("user", change.targetUser());
        data.put("detail", change.detail());
        String key = switch (type) {
            case MEMBER_ADDED, MEMBER_REMOVED, MEMBER_ROLE_CHANGED -> change.team();
            case VISIBILITY_CHANGED -> change.namespace();
            default -> null;
        };
        if (key == null && matching.contains("?4")) {
            return; // a member change without its team, a visibility change without its namespace: nobody to tell
        }
        Timestamp now = Timestamp.from(clock.instant());
        var insert = em.createNativeQuery("""
                INSERT INTO webhook_deliveries (webhook_id, event_type, data, created_at, next_attempt_at)
                SELECT w.id, ?1, ?2, ?3, ?3 FROM webhooks w
                WHERE w.enabled AND FIND_IN_SET(?1, w.events) > 0 AND (""" + matching + ") ORDER BY w.id")
                .setParameter(1, type.wire())
                .setParameter(2, write(data))
                .setParameter(3, now);
        if (key != null) {
            insert.setParameter(4, key);
        }
        insert.executeUpdate();
    }

    /** A ping, queued behind the webhook's pending deliveries like any other. */
    void ping(long webhookId, String actor) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", "ping");
        data.put("actor", actor);
        data.put("webhook", webhookId);
        Timestamp now = Timestamp.from(clock.instant());
        em.createNativeQuery("""
                INSERT INTO webhook_deliveries (webhook_id, event_type, data, created_at, next_attempt_at)
                VALUES (?1, 'ping', ?2, ?3, ?3)""")
                .setParameter(1, webhookId).setParameter(2, write(data)).setParameter(3, now).executeUpdate();
    }

    /**
     * Sends a finished delivery again, with the same id (the receiver's idempotency key): it becomes pending, with
     * its attempts counted afresh; its log keeps the earlier attempts. @return whether there was such a delivery
     */
    boolean redeliver(long webhookId, long deliveryId) {
        return em.createNativeQuery("""
                UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?1,
                  finished_at = NULL, claimed_by = NULL, claimed_until = NULL
                WHERE id = ?2 AND webhook_id = ?3 AND status <> 'pending'""")
                .setParameter(1, Timestamp.from(clock.instant())).setParameter(2, deliveryId)
                .setParameter(3, webhookId).executeUpdate() == 1;
    }

    private String write(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
