package dev.portcullis.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Reads a delivery this replica claimed, with its webhook and event, and builds the body in the webhook's format. */
final class DeliveryLoader {

    private static final String LOAD = """
            SELECT d.webhook_id, d.event_type, d.event_id, d.data, d.created_at, d.attempts, w.url, w.format,
              w.secret, w.headers, e.event_id, e.occurred_at, e.action, e.repository, e.tag, e.digest, e.media_type,
              e.size, e.url, e.actor, e.request_id, e.request_addr, e.request_host, e.request_method, e.user_agent,
              e.source_addr, e.source_instance
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
              LEFT JOIN registry_events e ON e.event_id = d.event_id
            WHERE d.id = ? AND d.claimed_by = ?""";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final String instance;

    DeliveryLoader(DataSource dataSource, ObjectMapper json, String instance) {
        this.dataSource = dataSource;
        this.json = json;
        this.instance = instance;
    }

    /** The delivery, or {@code null} when the claim was lost or the webhook deleted. */
    LoadedDelivery load(long deliveryId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LOAD)) {
            s.setLong(1, deliveryId);
            s.setString(2, instance);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                EventType type = EventType.ofWire(rs.getString(2)).orElseThrow();
                Format format = Format.ofWire(rs.getString(8)).orElse(Format.CLOUDEVENTS);
                Instant created = rs.getTimestamp(5).toInstant();
                Payloads.StoredEvent event = null;
                if (rs.getString(11) != null) {
                    long size = rs.getLong(18);
                    boolean noSize = rs.wasNull();
                    event = new Payloads.StoredEvent(rs.getString(11), rs.getTimestamp(12).toInstant(),
                            rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
                            noSize ? null : size, rs.getString(19), rs.getString(20), rs.getString(21),
                            rs.getString(22), rs.getString(23), rs.getString(24), rs.getString(25), rs.getString(26),
                            rs.getString(27));
                }
                JsonNode data = rs.getString(4) == null ? json.createObjectNode() : json.readTree(rs.getString(4));
                ObjectNode payload = format == Format.PORTUS
                        ? Payloads.portus(json, deliveryId, type, event, data, created)
                        : Payloads.cloudEvent(json, deliveryId, type, event, data, created);
                Map<String, String> headers = rs.getString(10) == null ? Map.of()
                        : json.readValue(rs.getString(10), json.getTypeFactory()
                                .constructMapType(LinkedHashMap.class, String.class, String.class));
                return new LoadedDelivery(rs.getLong(1), type, format, rs.getString(7), rs.getString(9), headers,
                        rs.getInt(6), json.writeValueAsBytes(payload));
            } catch (java.io.IOException e) {
                throw new SQLException("a stored delivery is not JSON: " + e.getMessage(), "22000", e);
            }
        }
    }
}
