package dev.portcullis.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portcullis.access.VisibleNamespaces;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Like;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.RepositoryViews.RepositoryDetailView;
import dev.portcullis.registry.RepositoryViews.RepositoryView;
import dev.portcullis.registry.RepositoryViews.TagView;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Browsing repositories and their tags: what the caller may pull, nothing else. */
@ApplicationScoped
public class Repositories {

    public enum Sort { NAME, PUSHED, PULLS }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    VisibleNamespaces visible;

    @Inject
    RepositoryGuard guard;

    public Pagination.Page<RepositoryView> list(Subject subject, String namespace, String search, Sort sort,
            String cursor, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("""
                SELECT r.id, r.name, r.namespace, r.description, r.tag_count, r.pull_count,
                  (SELECT COUNT(*) FROM stars s WHERE s.repository_id = r.id), r.last_push_at, r.last_pull_at
                FROM repositories r WHERE\s""");
        VisibleNamespaces.Condition condition = visible.on("r.namespace", subject);
        sql.append(condition.sql());
        List<Object> args = new ArrayList<>(condition.args());
        if (namespace != null) {
            sql.append(" AND r.namespace = ?");
            args.add(namespace);
        }
        if (search != null && !search.isBlank()) {
            sql.append(" AND r.name LIKE ? ").append(Like.ESCAPE);
            args.add(Like.containing(search.trim()));
        }
        String position = Pagination.decode(cursor);
        switch (sort) {
            case NAME -> {
                if (!position.isEmpty()) {
                    sql.append(" AND r.name > ?");
                    args.add(position);
                }
                sql.append(" ORDER BY r.name");
            }
            case PUSHED -> {
                if (!position.isEmpty()) {
                    long[] key = Pagination.pair(position);
                    Timestamp at = Timestamp.from(Instant.EPOCH.plus(key[0], ChronoUnit.MICROS));
                    sql.append(" AND (r.last_push_at < ? OR (r.last_push_at = ? AND r.id < ?))");
                    args.addAll(List.of(at, at, key[1]));
                }
                sql.append(" ORDER BY r.last_push_at DESC, r.id DESC");
            }
            case PULLS -> {
                if (!position.isEmpty()) {
                    long[] key = Pagination.pair(position);
                    sql.append(" AND (r.pull_count < ? OR (r.pull_count = ? AND r.id < ?))");
                    args.addAll(List.of(key[0], key[0], key[1]));
                }
                sql.append(" ORDER BY r.pull_count DESC, r.id DESC");
            }
        }
        sql.append(" LIMIT ?");
        args.add(limit + 1);
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Timestamp pushed = rs.getTimestamp(8);
                    Timestamp pulled = rs.getTimestamp(9);
                    rows.add(new Object[] {rs.getLong(1), new RepositoryView(rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getInt(5), rs.getLong(6), rs.getLong(7),
                            pushed == null ? null : pushed.toInstant(), pulled == null ? null : pulled.toInstant())});
                }
            }
        }
        Pagination.Page<Object[]> page = Pagination.page(rows, limit, row -> {
            RepositoryView r = (RepositoryView) row[1];
            return switch (sort) {
                case NAME -> r.name();
                case PUSHED -> Pagination.pair(ChronoUnit.MICROS.between(Instant.EPOCH,
                        r.lastPushAt() == null ? Instant.EPOCH : r.lastPushAt()), (Long) row[0]);
                case PULLS -> Pagination.pair(r.pulls(), (Long) row[0]);
            };
        });
        return new Pagination.Page<>(page.items().stream().map(row -> (RepositoryView) row[1]).toList(), page.next());
    }

    public RepositoryDetailView show(Subject subject, String name) throws SQLException {
        guard.requirePull(subject, name);
        try (Connection c = dataSource.getConnection()) {
            long id;
            RepositoryDetailView head;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT r.id, r.namespace, r.description, r.pull_count,
                      (SELECT COUNT(*) FROM stars s WHERE s.repository_id = r.id),
                      (SELECT COUNT(*) FROM stars s JOIN users u ON u.id = s.user_id
                         WHERE s.repository_id = r.id AND u.username = ?),
                      r.last_push_at, r.last_pull_at FROM repositories r WHERE r.name = ?""")) {
                s.setString(1, subject.name());
                s.setString(2, name);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw Refusal.notFound("no repository '" + name + "'");
                    }
                    id = rs.getLong(1);
                    head = new RepositoryDetailView(name, rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6) > 0, instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                            List.of());
                }
            }
            List<TagView> tags = tags(c, id, null);
            return new RepositoryDetailView(head.name(), head.namespace(), head.description(), head.pulls(),
                    head.stars(), head.starred(), head.lastPushAt(), head.lastPullAt(), tags);
        }
    }

    public TagView tag(Subject subject, String name, String tag) throws SQLException {
        guard.requirePull(subject, name);
        try (Connection c = dataSource.getConnection()) {
            List<TagView> tags = tags(c, repositoryId(c, name), tag);
            if (tags.isEmpty()) {
                throw Refusal.notFound("no tag '" + tag + "' in '" + name + "'");
            }
            return tags.get(0);
        }
    }

    /** The repository's row id. @throws Refusal.NotFound when the catalog has no such repository */
    public long id(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return repositoryId(c, name);
        }
    }

    /** The repository's images: digest → the tags on it, both in order. */
    Map<String, List<String>> images(String name) throws SQLException {
        Map<String, List<String>> images = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT digest, name FROM tags WHERE repository_id = ? ORDER BY digest, name")) {
            s.setLong(1, repositoryId(c, name));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    images.computeIfAbsent(rs.getString(1), d -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return images;
    }

    private static long repositoryId(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM repositories WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw Refusal.notFound("no repository '" + name + "'");
                }
                return rs.getLong(1);
            }
        }
    }

    private static List<TagView> tags(Connection c, long repositoryId, String onlyTag) throws SQLException {
        List<TagView> tags = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT t.name, t.digest, COALESCE(m.media_type, t.media_type), m.total_size, m.platforms, t.pushed_by,
                  t.pushed_at, t.last_pulled_at, m.config_created, m.labels, m.fetched_at
                FROM tags t LEFT JOIN manifests m ON m.digest = t.digest
                WHERE t.repository_id = ?""" + (onlyTag == null ? "" : " AND t.name = ?")
                + " ORDER BY t.pushed_at DESC, t.name")) {
            s.setLong(1, repositoryId);
            if (onlyTag != null) {
                s.setString(2, onlyTag);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String platforms = rs.getString(5);
                    tags.add(new TagView(rs.getString(1), rs.getString(2), rs.getString(3),
                            (Long) rs.getObject(4, Long.class),
                            platforms == null ? List.of() : Arrays.asList(platforms.split(",")),
                            rs.getString(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                            instant(rs.getTimestamp(9)), labels(rs.getString(10)), rs.getTimestamp(11) == null));
                }
            }
        }
        return tags;
    }

    private static Map<String, String> labels(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return ManifestDetails.JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            s.setObject(i + 1, args.get(i));
        }
    }
}
