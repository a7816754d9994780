package dev.portcullis.registry;

import dev.portcullis.core.Counts;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The registry as Portcullis sees it: reachability, the last reconciliation, the counts an operator watches. */
@ApplicationScoped
public class RegistryStatus {

    /** What {@code GET /api/v1/registry/status} answers. */
    @Schema(name = "RegistryStatus")
    public record View(String url, boolean reachable, Reconciliation lastReconciliation, EventLog.Counts events,
            Details details, long repositories, long tags) {
    }

    public record Reconciliation(Instant startedAt, Instant finishedAt, String outcome, int added, int removed,
            String error) {
    }

    /** Manifests whose details are still to fetch, and of those the ones that failed at least once. */
    @Schema(name = "DetailsStatus")
    public record Details(long pending, long failing) {
    }

    @Inject
    RegistryClient registry;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EventLog events;

    public View now() throws SQLException {
        boolean reachable = registry.configured() && registry.reachable();
        try (Connection c = dataSource.getConnection()) {
            return new View(registry.url().map(String::valueOf).orElse(null), reachable, lastReconciliation(c),
                    events.counts(),
                    new Details(Counts.of(c, "SELECT COUNT(*) FROM manifests WHERE fetched_at IS NULL"),
                            Counts.of(c, "SELECT COUNT(*) FROM manifests WHERE fetched_at IS NULL AND attempts > 0")),
                    Counts.of(c, "SELECT COUNT(*) FROM repositories"), Counts.of(c, "SELECT COUNT(*) FROM tags"));
        }
    }

    private static Reconciliation lastReconciliation(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT started_at, finished_at, outcome, added, removed, error FROM reconciliations
                ORDER BY id DESC LIMIT 1"""); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Reconciliation(rs.getTimestamp(1).toInstant(),
                    rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getInt(4),
                    rs.getInt(5), rs.getString(6));
        }
    }
}
