package dev.portcullis.events;

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

    /** One page and the cursor of the next one (null on the last page). */
    public record Page(List<Activity> items, ActivityQuery.Cursor next) {
    }

    public Page page(ActivityQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT id, action, repository, tag, digest, actor, occurred_at FROM activities WHERE 1=1");
        List<Object> args = new ArrayList<>();
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
                            rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
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
