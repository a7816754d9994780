package dev.portcullis.registry;

import dev.portcullis.core.HttpProblem;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry as Portcullis sees it: reachability, reconciliation, the counts an operator watches. */
@Path("/api/v1/registry")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class RegistryResource {

    @Inject
    Reconciler reconciler;

    @Inject
    RegistryClient registry;

    @Inject
    AgroalDataSource dataSource;

    /** Runs reconciliation now and answers with what it added, changed and removed. */
    @POST
    @Path("/reconciliations")
    public Reconciler.Result reconcile() throws SQLException {
        if (!registry.configured()) {
            throw HttpProblem.conflict("PORTCULLIS_REGISTRY_URL is not set: there is no registry to reconcile with");
        }
        try {
            Reconciler.Result result = reconciler.run();
            if (!"ok".equals(result.outcome())) {
                throw HttpProblem.unavailable("reconciliation changed nothing: " + result.error());
            }
            return result;
        } catch (Reconciler.Busy e) {
            throw HttpProblem.conflict(e.getMessage());
        }
    }

    @GET
    @Path("/status")
    public Map<String, Object> status() throws SQLException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("url", registry.url().map(String::valueOf).orElse(null));
        status.put("reachable", registry.configured() && registry.reachable());
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            status.put("lastReconciliation", lastReconciliation(c));
            Map<String, Object> events = new LinkedHashMap<>();
            events.put("stored", count(s, "SELECT COUNT(*) FROM registry_events"));
            events.put("parked", count(s, "SELECT COUNT(*) FROM parked_events"));
            status.put("events", events);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("pending", count(s, "SELECT COUNT(*) FROM manifests WHERE fetched_at IS NULL"));
            details.put("failing", count(s, "SELECT COUNT(*) FROM manifests WHERE fetched_at IS NULL AND attempts > 0"));
            status.put("details", details);
            status.put("repositories", count(s, "SELECT COUNT(*) FROM repositories"));
            status.put("tags", count(s, "SELECT COUNT(*) FROM tags"));
        }
        return status;
    }

    private static Map<String, Object> lastReconciliation(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT started_at, finished_at, outcome, added, removed, error FROM reconciliations
                ORDER BY id DESC LIMIT 1"""); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("startedAt", rs.getTimestamp(1).toInstant());
            last.put("finishedAt", rs.getTimestamp(2) == null ? null : (Instant) rs.getTimestamp(2).toInstant());
            last.put("outcome", rs.getString(3));
            last.put("added", rs.getInt(4));
            last.put("removed", rs.getInt(5));
            last.put("error", rs.getString(6));
            return last;
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
