package dev.portcullis.webhooks;

import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A webhook's deliveries and their attempts as its owners read them (newest first), redeliveries and pings. */
@ApplicationScoped
public class DeliveryLog {

    public record Delivery(long id, String event, String status, int attempts, Instant createdAt,
            Instant nextAttemptAt, Instant finishedAt) {
    }

    public record Attempt(int attempt, Instant at, String requestHeaders, String requestBody, Integer responseStatus,
            String responseBody, String error, int durationMs) {
    }

    @Inject
    Webhooks webhooks;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Outbox outbox;

    /** @param before the id below which to list (a page's cursor), or null for the newest */
    public List<Delivery> deliveries(Subject actor, long webhookId, Long before, int limit) {
        webhooks.managed(actor, webhookId);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT id, event_type, status, attempts, created_at, next_attempt_at, finished_at
                FROM webhook_deliveries WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?""")) {
            s.setLong(1, webhookId);
            s.setLong(2, before == null ? Long.MAX_VALUE : before);
            s.setInt(3, limit);
            List<Delivery> list = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    list.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            instant(rs.getTimestamp(5)), "pending".equals(rs.getString(3))
                                    ? instant(rs.getTimestamp(6)) : null, instant(rs.getTimestamp(7))));
                }
            }
            return list;
        } catch (SQLException e) {
            throw new jakarta.persistence.PersistenceException(e);
        }
    }

    public List<Attempt> attempts(Subject actor, long webhookId, long deliveryId) {
        webhooks.managed(actor, webhookId);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT a.attempt, a.attempted_at, a.request_headers, a.request_body, a.response_status,
                  a.response_body, a.error, a.duration_ms
                FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                WHERE d.id = ? AND d.webhook_id = ? ORDER BY a.id""")) {
            s.setLong(1, deliveryId);
            s.setLong(2, webhookId);
            List<Attempt> list = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int status = rs.getInt(5);
                    Integer responseStatus = rs.wasNull() ? null : status;
                    list.add(new Attempt(rs.getInt(1), instant(rs.getTimestamp(2)), rs.getString(3),
                            rs.getString(4), responseStatus, rs.getString(6), rs.getString(7), rs.getInt(8)));
                }
            }
            if (list.isEmpty() && !exists(c, webhookId, deliveryId)) {
                throw Refusal.notFound("no delivery " + deliveryId + " of webhook " + webhookId);
            }
            return list;
        } catch (SQLException e) {
            throw new jakarta.persistence.PersistenceException(e);
        }
    }

    @Transactional
    public void redeliver(Subject actor, long webhookId, long deliveryId) {
        webhooks.managed(actor, webhookId);
        if (!outbox.redeliver(webhookId, deliveryId)) {
            throw Refusal.conflict("no finished delivery " + deliveryId + " of webhook " + webhookId
                    + " (a pending one goes on its own)");
        }
    }

    @Transactional
    public void ping(Subject actor, long webhookId) {
        webhooks.managed(actor, webhookId);
        outbox.ping(webhookId, actor.name());
    }

    private static boolean exists(Connection c, long webhookId, long deliveryId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM webhook_deliveries WHERE id = ? AND webhook_id = ?")) {
            s.setLong(1, deliveryId);
            s.setLong(2, webhookId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
