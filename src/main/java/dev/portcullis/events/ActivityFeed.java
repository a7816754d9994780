package dev.portcullis.events;

import dev.portcullis.access.VisibleNamespaces;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Reads the feed newest first with keyset pagination (no OFFSET: a deep page costs what the first does). */
@ApplicationScoped
public class ActivityFeed {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    VisibleNamespaces visible;

    /** One page and the cursor of the next one (null on the last page). */
    public record Page(List<Activity> items, ActivityQuery.Cursor next) {
    }

    /** A page of what {@code viewer} may see: admins everything, others what concerns them (see below). */
    public Page page(ActivityQuery query, Subject viewer) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, action, namespace, repository, tag, digest, actor, team,"
                + " target_user, detail, occurred_at FROM activities WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (!ManagementPolicy.actsAsAdmin(viewer)) {
            // What the viewer may pull from, its teams' changes, and changes to its own account; through a token
            // limited to namespaces, only what happened in them.
            VisibleNamespaces.Condition namespaces = visible.on("namespace", viewer);
            VisibleNamespaces.Condition teams = visible.teams("team", viewer);
            // A team's feed starts at its creation, a namespace's when its name was last set free: whoever takes
            // a freed name sees nothing of what happened under it before.
            sql.append(" AND (").append(namespaces.sql())
                    .append(" AND NOT EXISTS (SELECT 1 FROM released_names r WHERE r.name = activities.namespace")
                    .append(" AND r.released_at >= activities.occurred_at)")
                    .append(" OR ").append(teams.sql())
                    .append(" AND occurred_at >= (SELECT t.created_at FROM teams t WHERE t.name = activities.team)")
                    .append(" OR target_user = ? AND ?)");
            args.addAll(namespaces.args());
            args.addAll(teams.args());
            args.add(viewer.name());
            args.add(viewer.restriction().namespaces().isEmpty());
        }
        if (query.repository() != null) {
            sql.append(" AND repository = ?");
            args.add(query.repository());
        }
        if (query.namespace() != null) {
            sql.append(" AND namespace = ?");
            args.add(query.namespace());
        }
        if (query.action() != null) {
            sql.append(" AND action = ?");
            args.add(query.action());
        }
        if (query.tag() != null) {
            sql.append(" AND tag = ?");
            args.add(query.tag());
        }
        if (query.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(query.actor());
        }
        if (query.from() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(Timestamp.from(query.to()));
        }
        if (query.after() != null) {
            Timestamp at = Timestamp.from(Instant.EPOCH.plus(query.after().epochMicros(), ChronoUnit.MICROS));
            sql.append(" AND (occurred_at < ? OR (occurred_at = ? AND id < ?))");
            args.add(at);
            args.add(at);
            args.add(query.after().id());
        }
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        args.add(query.limit() + 1);

        List<Activity> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    items.add(new Activity(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getTimestamp(11).toInstant()));
                }
            }
        }
        if (items.size() <= query.limit()) {
            return new Page(items, null);
        }
        items = items.subList(0, query.limit());
        Activity last = items.get(items.size() - 1);
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.timestamp());
        return new Page(List.copyOf(items), new ActivityQuery.Cursor(micros, last.id()));
    }
}
