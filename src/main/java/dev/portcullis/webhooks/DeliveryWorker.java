package dev.portcullis.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.config.PortcullisConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends what the outbox holds. Every replica polls for due deliveries and claims each with a conditional
 * {@code UPDATE} of {@code claimed_by}/{@code claimed_until} (the first to change the row has it; no locking read,
 * so Galera's certification is all it takes); a claim lapses after the longest a delivery can take, so a replica
 * that died mid-delivery hands it on. Only the oldest pending delivery of a webhook is eligible: a webhook's
 * deliveries go out one at a time, in order. At least once: a receiver may see a delivery again when its success
 * could not be recorded (the replica died first); the {@code X-Portcullis-Delivery} id tells it so.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private static final String DUE = """
            SELECT d.id, d.webhook_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.status = 'pending' AND w.enabled AND d.next_attempt_at <= ?
              AND (d.claimed_until IS NULL OR d.claimed_until < ?)
              AND d.id = (SELECT MIN(p.id) FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id
                          AND p.status = 'pending')
            ORDER BY d.next_attempt_at, d.id LIMIT ?""";
    private static final String CLAIM = """
            UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
            WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)""";
    private static final String LOAD = """
            SELECT d.webhook_id, d.event_type, d.event_id, d.data, d.created_at, d.attempts, w.url, w.format,
              w.secret, w.headers, e.event_id, e.occurred_at, e.action, e.repository, e.tag, e.digest, e.media_type,
              e.size, e.url, e.actor, e.request_id, e.request_addr, e.request_host, e.request_method, e.user_agent,
              e.source_addr, e.source_instance
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
              LEFT JOIN registry_events e ON e.event_id = d.event_id
            WHERE d.id = ? AND d.claimed_by = ?""";

    /** This process, in {@code claimed_by}: a restarted replica is another claimer, its old claims lapse. */
    private final String instance = UUID.randomUUID().toString();
    /** Webhooks this replica is sending to now: never claimed twice here, however far a test's clock moves. */
    private final Set<Long> busy = ConcurrentHashMap.newKeySet();

    @Inject
    AgroalDataSource dataSource;

    @Inject
    PortcullisConfig config;

    @Inject
    Clock clock;

    @Inject
    ObjectMapper json;

    @Inject
    WebhookMetrics metrics;

    private Sender sender;
    private Backoff backoff;
    private ExecutorService senders;
    private Thread poller;
    private volatile boolean stopping;

    void start(@Observes StartupEvent start) {
        PortcullisConfig.Webhooks settings = config.webhooks();
        sender = new Sender(settings.connectTimeout(), settings.requestTimeout());
        backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        senders = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "webhook-sender");
            t.setDaemon(true);
            return t;
        });
        poller = new Thread(this::poll, "webhook-poller");
        poller.setDaemon(true);
        poller.start();
    }

    void stop(@Observes ShutdownEvent stop) throws InterruptedException {
        stopping = true;
        if (poller != null) {
            poller.interrupt();
            senders.shutdown();
            // A delivery under way may finish and be recorded; one cut short is sent again (at least once).
            senders.awaitTermination(config.webhooks().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The longest one attempt can take; a claim outlives it, then lapses. */
    Duration lease() {
        return config.webhooks().connectTimeout().plus(config.webhooks().requestTimeout()).plusSeconds(5);
    }

    private void poll() {
        long every = config.webhooks().pollEvery().toMillis();
        long polls = 0;
        while (!stopping) {
            try {
                if (polls++ % 1_000 == 0) {
                    forgetOld();
                }
                pollOnce();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("webhook poll failed: %s", e.getMessage());
            }
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Finished deliveries (their attempts with them) older than {@code portcullis.webhooks.keep}, a slice at a time. */
    void forgetOld() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM webhook_deliveries WHERE finished_at < ? AND status <> 'pending' LIMIT 1000")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(config.webhooks().keep())));
            s.executeUpdate();
        }
    }

    /** Claims what is due, up to the free senders, and hands each to one; visible for tests. */
    void pollOnce() throws SQLException {
        int free = config.webhooks().concurrency() - busy.size();
        if (free <= 0) {
            return;
        }
        for (long[] due : due(free * 2)) {
            if (busy.size() >= config.webhooks().concurrency()) {
                return;
            }
            long deliveryId = due[0];
            long webhookId = due[1];
            if (!busy.add(webhookId)) {
                continue;
            }
            boolean claimed;
            try {
                claimed = claim(deliveryId);
            } catch (SQLException | RuntimeException e) {
                busy.remove(webhookId);
                throw e;
            }
            if (!claimed) {
                busy.remove(webhookId);
                continue;
            }
            senders.execute(() -> {
                try {
                    deliverInTurn(webhookId, deliveryId);
                } finally {
                    busy.remove(webhookId);
                }
            });
        }
    }

    private List<long[]> due(int limit) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        List<long[]> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(DUE)) {
            s.setTimestamp(1, now);
            s.setTimestamp(2, now);
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    due.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        return due;
    }

    private boolean claim(long deliveryId) throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setString(1, instance);
            s.setTimestamp(2, Timestamp.from(now.plus(lease())));
            s.setLong(3, deliveryId);
            s.setTimestamp(4, Timestamp.from(now));
            return s.executeUpdate() == 1;
        }
    }

    /** Sends the delivery, then the webhook's next ones while they are due: a busy webhook waits for no poll. */
    private void deliverInTurn(long webhookId, long deliveryId) {
        long next = deliveryId;
        try {
            while (!stopping && deliver(next)) {
                Optional<Long> following = nextDue(webhookId);
                if (following.isEmpty() || !claim(following.get())) {
                    return;
                }
                next = following.get();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("webhook %s: delivery %s could not be recorded (%s); its claim lapses and it goes again",
                    (Object) webhookId, next, e.getMessage());
        }
    }

    private Optional<Long> nextDue(long webhookId) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.webhook_id = ? AND d.status = 'pending' AND w.enabled AND d.next_attempt_at <= ?
                  AND (d.claimed_until IS NULL OR d.claimed_until < ?)
                ORDER BY d.id LIMIT 1""")) {
            s.setLong(1, webhookId);
            s.setTimestamp(2, now);
            s.setTimestamp(3, now);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(1);
                // Only if it is the oldest pending one (an older one waits for its retry).
                try (PreparedStatement oldest = c.prepareStatement(
                        "SELECT MIN(id) FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'")) {
                    oldest.setLong(1, webhookId);
                    try (ResultSet o = oldest.executeQuery()) {
                        return o.next() && o.getLong(1) == id ? Optional.of(id) : Optional.empty();
                    }
                }
            }
        }
    }

    /** One attempt of a claimed delivery, recorded. @return whether it was delivered */
    boolean deliver(long deliveryId) throws SQLException {
        Loaded d = load(deliveryId);
        if (d == null) {
            return false; // the claim was lost, or the webhook deleted
        }
        Instant sentAt = clock.instant();
        Optional<String> refused = TargetGuard.refused(d.url, config.webhooks().allowPrivateTargets());
        Sender.Outcome outcome;
        long started = System.nanoTime();
        Map<String, String> own = new LinkedHashMap<>();
        byte[] body = d.body;
        own.put("Content-Type", d.format.contentType());
        own.put("User-Agent", "Portcullis-Webhooks/1");
        own.put("X-Portcullis-Event", d.type.wire());
        own.put("X-Portcullis-Delivery", Long.toString(deliveryId));
        own.put("Idempotency-Key", Long.toString(deliveryId));
        own.put(Signature.HEADER, Signature.header(d.secret, sentAt.getEpochSecond(), body));
        if (refused.isPresent()) {
            outcome = new Sender.Outcome(own, null, null, "target refused: " + refused.get());
        } else {
            outcome = sender.post(d.url, own, d.headers, body);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        record(deliveryId, d, sentAt, outcome, body, millis, refused.isPresent());
        return outcome.delivered() && refused.isEmpty();
    }

    private record Loaded(long webhookId, EventType type, Format format, String url, String secret,
            Map<String, String> headers, int attempts, byte[] body) {
    }

    private Loaded load(long deliveryId) throws SQLException {
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
                return new Loaded(rs.getLong(1), type, format, rs.getString(7), rs.getString(9), headers,
                        rs.getInt(6), json.writeValueAsBytes(payload));
            } catch (java.io.IOException e) {
                throw new SQLException("a stored delivery is not JSON: " + e.getMessage(), "22000", e);
            }
        }
    }

    /** The attempt into the log, and the delivery's and the webhook's state after it, in one transaction. */
    private void record(long deliveryId, Loaded d, Instant at, Sender.Outcome outcome, byte[] body, int millis,
            boolean refused) throws SQLException {
        PortcullisConfig.Webhooks settings = config.webhooks();
        boolean delivered = outcome.delivered() && !refused;
        boolean last = !delivered && d.attempts >= settings.maxAttempts();
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
                        Duration wait = backoff.after(d.attempts, ThreadLocalRandom.current().nextDouble());
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
                    s.setInt(2, d.attempts);
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
                        s.setLong(1, d.webhookId);
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
                        s.setLong(4, d.webhookId);
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
