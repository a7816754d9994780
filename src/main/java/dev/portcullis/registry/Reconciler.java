package dev.portcullis.registry;

import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;

/**
 * Repairs the picture from the registry itself: walks {@code _catalog} and every repository's tags, adds what
 * is missing (pushed before Portcullis was installed, or while notifications were off) and removes only what
 * the registry positively says is gone. Any error while walking changes nothing: the walk is read whole
 * first, compared with the catalog ({@link CatalogDiff}), and the changes applied by the {@link CatalogWriter} in
 * one transaction. Tags pushed after the walk started are never touched.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    static final String LEASE = "reconcile";
    static final int MAX_LISTED_CHANGES = 200;
    /** How long a delete waits for a push it undoes to arrive late; the registry retries for far less. */
    static final Duration TOMBSTONES_KEPT = Duration.ofDays(1);

    @Inject
    RegistryClient registry;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Lease lease;

    @Inject
    CatalogWriter writer;

    @Inject
    RegistryMetrics metrics;

    /** What one run found and changed. */
    @Schema(name = "ReconciliationResult")
    public record Result(String outcome, Instant startedAt, List<String> added, List<String> changed,
            List<String> removed, String error) {
    }

    /** Another replica is reconciling right now. */
    public static class Busy extends Exception {
        Busy() {
            super("a reconciliation is running on another replica", null, false, false);
        }
    }

    @Scheduled(every = "${portcullis.registry.reconcile-every}", delayed = "${portcullis.registry.reconcile-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        if (!registry.configured()) {
            return;
        }
        try {
            Result result = run();
            LOG.infof("reconciliation %s: %d added, %d changed, %d removed", result.outcome(), result.added().size(),
                    result.changed().size(), result.removed().size());
        } catch (Busy e) {
            LOG.debug(e.getMessage());
        } catch (SQLException e) {
            LOG.warnf("reconciliation not run: %s", e.getMessage());
        }
    }

    /**
     * Reconciles now, on an admin's request. @throws Refusal.Conflict when there is no registry or another replica
     * is at it; Refusal.Unavailable when the registry could not be walked (then nothing changed)
     */
    public Result now() throws SQLException {
        if (!registry.configured()) {
            throw Refusal.conflict("PORTCULLIS_REGISTRY_URL is not set: there is no registry to reconcile with");
        }
        Result result;
        try {
            result = run();
        } catch (Busy e) {
            throw Refusal.conflict(e.getMessage());
        }
        if (!"ok".equals(result.outcome())) {
            throw Refusal.unavailable("reconciliation changed nothing: " + result.error());
        }
        return result;
    }

    public Result run() throws Busy, SQLException {
        if (!lease.acquire(LEASE, Duration.ofMinutes(30))) {
            throw new Busy();
        }
        Instant started = Instant.now();
        try {
            Map<String, Map<String, String>> picture;
            try {
                picture = walk();
            } catch (RegistryClient.RegistryUnavailable e) {
                Result failed = new Result("failed", started, List.of(), List.of(), List.of(), e.getMessage());
                record(failed);
                metrics.reconciled(failed);
                return failed;
            }
            Result result = apply(picture, started);
            record(result);
            metrics.reconciled(result);
            return result;
        } catch (SQLException | RuntimeException e) {
            // the database failed: nothing or not all was recorded
            metrics.reconciliationFailed();
            throw e;
        } finally {
            lease.release(LEASE);
        }
    }

    /** repository → (tag → digest), for every repository the registry lists and still knows. */
    Map<String, Map<String, String>> walk() throws RegistryClient.RegistryUnavailable {
        Map<String, Map<String, String>> picture = new LinkedHashMap<>();
        for (String repository : registry.catalog()) {
            Optional<List<String>> tags = registry.tags(repository);
            if (tags.isEmpty()) {
                continue; // listed, then gone: the registry says it has no such repository now
            }
            Map<String, String> digests = new LinkedHashMap<>();
            for (String tag : tags.get()) {
                registry.digestOf(repository, tag).ifPresent(digest -> digests.put(tag, digest));
            }
            picture.put(repository, digests);
        }
        return picture;
    }

    /** The walk's changes, applied by the one writer in one transaction. */
    private Result apply(Map<String, Map<String, String>> picture, Instant started) throws SQLException {
        List<CatalogChange> changes = CatalogDiff.between(picture, known());
        return writer.write(catalog -> {
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            for (CatalogChange change : changes) {
                if (!catalog.apply(change, started)) {
                    continue;
                }
                if (change instanceof CatalogChange.AddTag add) {
                    added.add(add.repository() + ":" + add.tag());
                } else if (change instanceof CatalogChange.MoveTag move) {
                    changed.add(move.repository() + ":" + move.tag());
                } else if (change instanceof CatalogChange.RemoveTag remove) {
                    removed.add(remove.repository() + ":" + remove.tag());
                }
            }
            catalog.forgetTombstones(started.minus(TOMBSTONES_KEPT));
            return new Result("ok", started, added, changed, removed, null);
        });
    }

    /** repository → (tag → digest) as the catalog has it. */
    private Map<String, Map<String, String>> known() throws SQLException {
        Map<String, Map<String, String>> known = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT r.name, t.name, t.digest FROM repositories r LEFT JOIN tags t ON t.repository_id = r.id""");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Map<String, String> tags = known.computeIfAbsent(rs.getString(1), k -> new HashMap<>());
                if (rs.getString(2) != null) {
                    tags.put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return known;
    }

    private void record(Result result) throws SQLException {
        List<String> changes = new ArrayList<>();
        result.added().forEach(a -> changes.add("+" + a));
        result.changed().forEach(a -> changes.add("~" + a));
        result.removed().forEach(a -> changes.add("-" + a));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO reconciliations (started_at, finished_at, outcome, added, removed, changes, error)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            s.setTimestamp(1, Timestamp.from(result.startedAt()));
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.setString(3, result.outcome());
            s.setInt(4, result.added().size());
            s.setInt(5, result.removed().size());
            s.setString(6, String.join("\n", changes.subList(0, Math.min(changes.size(), MAX_LISTED_CHANGES))));
            s.setString(7, result.error() == null ? null
                    : result.error().substring(0, Math.min(result.error().length(), 1024)));
            s.executeUpdate();
        }
    }
}
