package dev.portcullis.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.PortcullisConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Records one attempt of a delivery: the attempt into the log, the delivery delivered, failed for good or due again
 * after its backoff, and the webhook's run of failures (which disables it after {@code disable-after}), in one
 * transaction, only while this replica still holds the claim.
 */
final class AttemptRecorder {

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final String instance;
    private final Backoff backoff;
    private final Clock clock;
    private final PortcullisConfig config;
    private final WebhookMetrics metrics;

    AttemptRecorder(DataSource dataSource, ObjectMapper json, String instance, Backoff backoff, Clock clock,
            PortcullisConfig config, WebhookMetrics metrics) {
        this.dataSource = dataSource;
        this.json = json;
        this.instance = instance;
        this.backoff = backoff;
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
    }

    /** The attempt into the log, and the delivery's and the webhook's state after it, in one transaction. */
    void record(long deliveryId, LoadedDelivery d, Instant at, Sender.Outcome outcome, byte[] body, int millis,
            boolean refused) throws SQLException {
        PortcullisConfig.Webhooks settings = config.webhooks();
        boolean delivered = outcome.delivered() && !refused;
        boolean last = !delivered && d.attempts() >= settings.maxAttempts();
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                if (delivered || last) {
                    try (PreparedStatement s = c.prepareStatement("""
                            UPDATE webhook_deliveries SET status = ?, finished_at = ?, claimed_by = NULL,
                              claimed_until = NULL WHERE id = ? AND claimed_by = ?""")) {
                        s.setString(1, delivered ? "delivered" : "failed");
                        s.setTimestamp(2, Timestamp.from(now));
                        s.setLong(3, deliveryId);
                        s.setString(4, instance);
                        updated = s.executeUpdate();
                    }
                } else {
                    try (PreparedStatement s = c.prepareStatement("""
                            UPDATE webhook_deliveries SET next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL
                            WHERE id = ? AND claimed_by = ?""")) {
                        Duration wait = backoff.after(d.attempts(), ThreadLocalRandom.current().nextDouble());
                        s.setTimestamp(1, Timestamp.from(now.plus(wait)));
                        s.setLong(2, deliveryId);
                        s.setString(3, instance);
                        updated = s.executeUpdate();
                    }
                }
                if (updated == 0) {
                    c.rollback(); // the claim lapsed and another replica has it: its record counts
                    return;
                }
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, request_headers,
                          request_body, response_status, response_body, error, duration_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    s.setLong(1, deliveryId);
                    s.setInt(2, d.attempts());
                    s.setTimestamp(3, Timestamp.from(at));
                    s.setString(4, json.writeValueAsString(outcome.loggedHeaders()));
                    s.setString(5, new String(body, StandardCharsets.UTF_8));
                    if (outcome.status() == null) {
                        s.setNull(6, java.sql.Types.INTEGER);
                    } else {
                        s.setInt(6, outcome.status());
                    }
                    s.setString(7, outcome.response());
                    String error = outcome.error() != null ? outcome.error()
                            : delivered ? null : "answered " + outcome.status();
                    s.setString(8, error == null || error.length() <= 512 ? error : error.substring(0, 512));
                    s.setInt(9, millis);
                    s.executeUpdate();
                }
                if (delivered) {
                    try (PreparedStatement s = c.prepareStatement(
                            "UPDATE webhooks SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures > 0")) {
                        s.setLong(1, d.webhookId());
                        s.executeUpdate();
                    }
                } else if (last) {
                    // Reason and switch first, from the count before this failure, then the count.
                    try (PreparedStatement s = c.prepareStatement("""
                            UPDATE webhooks SET
                              disabled_reason = IF(consecutive_failures + 1 >= ?, ?, disabled_reason),
                              enabled = IF(consecutive_failures + 1 >= ?, FALSE, enabled),
                              consecutive_failures = consecutive_failures + 1
                            WHERE id = ?""")) {
                        s.setInt(1, settings.disableAfter());
                        String reason = "disabled after " + settings.disableAfter() + " failed deliveries in a row"
                                + " (the last at " + now + ": " + (outcome.error() != null ? outcome.error()
                                        : "answered " + outcome.status()) + ")";
                        s.setString(2, reason.length() <= 512 ? reason : reason.substring(0, 509) + "...");
                        s.setInt(3, settings.disableAfter());
                        s.setLong(4, d.webhookId());
                        s.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                c.rollback();
                throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), "22000", e);
            } finally {
                c.setAutoCommit(true);
            }
        }
        metrics.attempted(delivered ? "delivered" : refused ? "refused" : last ? "failed" : "retried");
    }
}
