package dev.portcullis.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Fetches the details of each new digest from the registry in the background: a failure is retried later
 * with backoff and never blocks or loses the event that named the digest.
 */
@ApplicationScoped
public class DetailsFetcher {

    private static final Logger LOG = Logger.getLogger(DetailsFetcher.class);
    static final int BATCH = 50;
    static final int MAX_CHILDREN = 32;
    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    @Inject
    RegistryClient registry;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Lease lease;

    @Inject
    RegistryMetrics metrics;

    record Pending(String digest, String repository, int attempts) {
    }

    @Scheduled(every = "${portcullis.registry.details-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        if (!registry.configured()) {
            return;
        }
        try {
            if (lease.acquire("details", Duration.ofMinutes(2))) {
                fetchPending();
            }
        } catch (SQLException e) {
            LOG.warnf("manifest details not fetched: %s", e.getMessage());
        }
    }

    /** Fetches one batch; returns how many digests got their details. */
    public int fetchPending() throws SQLException {
        int fetched = 0;
        for (Pending p : pending()) {
            try {
                save(p.digest(), details(p.repository(), p.digest()));
                fetched++;
                metrics.detailsFetched(true);
            } catch (RegistryClient.RegistryUnavailable | IOException e) {
                retryLater(p, e.getMessage());
                metrics.detailsFetched(false);
            }
        }
        return fetched;
    }

    /** Details of a manifest, or empty details when the registry no longer has it. */
    Optional<ManifestDetails> details(String repository, String digest)
            throws RegistryClient.RegistryUnavailable, IOException {
        Optional<RegistryClient.Manifest> manifest = registry.manifest(repository, digest);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = ManifestDetails.read(manifest.get().body());
        String type = ManifestDetails.mediaType(node, manifest.get().mediaType());
        if (ManifestDetails.isIndex(type)) {
            long total = 0;
            int children = 0;
            for (JsonNode entry : node.path("manifests")) {
                if (children++ >= MAX_CHILDREN) {
                    break;
                }
                Optional<RegistryClient.Manifest> child = registry.manifest(repository, entry.path("digest").asText());
                if (child.isPresent()) {
                    total += ManifestDetails.imageSize(ManifestDetails.read(child.get().body()));
                }
            }
            return Optional.of(new ManifestDetails(type, total, ManifestDetails.platforms(node), null, java.util.Map.of()));
        }
        long size = ManifestDetails.imageSize(node);
        String config = node.path("config").path("digest").asText("");
        if (config.isEmpty()) {
            return Optional.of(new ManifestDetails(type, size, List.of(), null, java.util.Map.of()));
        }
        return Optional.of(ManifestDetails.fromConfig(type, size, registry.blob(repository, config)));
    }

    private List<Pending> pending() throws SQLException {
        List<Pending> pending = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT digest, repository, attempts FROM manifests
                WHERE fetched_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?""")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            s.setInt(2, BATCH);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    pending.add(new Pending(rs.getString(1), rs.getString(2), rs.getInt(3)));
                }
            }
        }
        return pending;
    }

    private void save(String digest, Optional<ManifestDetails> details) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE manifests SET fetched_at = ?, media_type = COALESCE(?, media_type), total_size = ?,
                  platforms = ?, config_created = ?, labels = ?, last_error = ? WHERE digest = ?""")) {
            s.setTimestamp(1, Timestamp.from(Instant.now()));
            if (details.isPresent()) {
                ManifestDetails d = details.get();
                s.setString(2, d.mediaType());
                s.setObject(3, d.totalSize());
                s.setString(4, d.platforms().isEmpty() ? null : String.join(",", d.platforms()));
                s.setTimestamp(5, d.created() == null ? null : Timestamp.from(d.created()));
                s.setString(6, d.labels().isEmpty() ? null : ManifestDetails.JSON.writeValueAsString(d.labels()));
                s.setString(7, null);
            } else {
                s.setString(2, null);
                s.setObject(3, null);
                s.setString(4, null);
                s.setTimestamp(5, null);
                s.setString(6, null);
                s.setString(7, "the registry no longer has this manifest");
            }
            s.setString(8, digest);
            s.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot write labels", e);
        }
    }

    private void retryLater(Pending p, String error) throws SQLException {
        long seconds = Math.min(MAX_BACKOFF.toSeconds(), 10L << Math.min(p.attempts(), 12));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE manifests SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                WHERE digest = ?""")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().plusSeconds(seconds)));
            s.setString(2, error == null ? "unknown" : error.length() > 512 ? error.substring(0, 512) : error);
            s.setString(3, p.digest());
            s.executeUpdate();
        }
    }
}
