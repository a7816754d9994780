package dev.portcullis.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.PortcullisConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
    private DeliveryLoader loader;
    private AttemptRecorder recorder;
    private ExecutorService senders;
    private Thread poller;
    private volatile boolean stopping;

    void start(@Observes StartupEvent start) {
        PortcullisConfig.Webhooks settings = config.webhooks();
        sender = new Sender(settings.connectTimeout(), settings.requestTimeout());
        backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        loader = new DeliveryLoader(dataSource, json, instance);
        recorder = new AttemptRecorder(dataSource, json, instance, backoff, clock, config, metrics);
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
        LoadedDelivery d = loader.load(deliveryId);
        if (d == null) {
            return false; // the claim was lost, or the webhook deleted
        }
        Instant sentAt = clock.instant();
        Optional<String> refused = TargetGuard.refused(d.url(), config.webhooks().allowPrivateTargets());
        Sender.Outcome outcome;
        long started = System.nanoTime();
        Map<String, String> own = new LinkedHashMap<>();
        byte[] body = d.body();
        own.put("Content-Type", d.format().contentType());
        own.put("User-Agent", "Portcullis-Webhooks/1");
        own.put("X-Portcullis-Event", d.type().wire());
        own.put("X-Portcullis-Delivery", Long.toString(deliveryId));
        own.put("Idempotency-Key", Long.toString(deliveryId));
        own.put(Signature.HEADER, Signature.header(d.secret(), sentAt.getEpochSecond(), body));
        if (refused.isPresent()) {
            outcome = new Sender.Outcome(own, null, null, "target refused: " + refused.get());
        } else {
            outcome = sender.post(d.url(), own, d.headers(), body);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        recorder.record(deliveryId, d, sentAt, outcome, body, millis, refused.isPresent());
        return outcome.delivered() && refused.isEmpty();
    }
}
