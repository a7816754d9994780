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
 * with backoff and never blocks or loses the event that named the digest. What it learnt goes to the catalog
 * through the {@link CatalogWriter}, a batch at a time.
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
    CatalogWriter writer;

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
        List<CatalogWriter.Write<Void>> outcomes = new ArrayList<>();
        Instant now = Instant.now();
        int fetched = 0;
        for (Pending p : pending()) {
            try {
                ManifestDetails found = details(p.repository(), p.digest()).orElse(null);
                outcomes.add(catalog -> {
                    catalog.detailsFetched(p.digest(), found, now);
                    return null;
                });
                fetched++;
                metrics.detailsFetched(true);
            } catch (RegistryClient.RegistryUnavailable | IOException | RuntimeException e) {
                // Whatever is wrong with this one (a row from before names were checked, a manifest we cannot
                // read), it waits its backoff like any failure and never blocks the rows behind it.
                long seconds = Math.min(MAX_BACKOFF.toSeconds(), 10L << Math.min(p.attempts(), 12));
                String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                outcomes.add(catalog -> {
                    catalog.detailsFailed(p.digest(), error, now.plusSeconds(seconds));
                    return null;
                });
                metrics.detailsFetched(false);
            }
        }
        if (!outcomes.isEmpty()) {
            writer.write(catalog -> {
                for (CatalogWriter.Write<Void> outcome : outcomes) {
                    outcome.apply(catalog);
                }
                return null;
            });
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
}
