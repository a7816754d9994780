package dev.portcullis.registry;

import dev.portcullis.access.AccessService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Keeps repositories and tags true to the registry's events, inside the caller's transaction (the sink's:
 * an event and its effect commit together). Events may arrive out of order, so every change compares times:
 * an older push never moves a tag that a newer one set, a delete removes only what was pushed before it.
 */
public final class Catalog {

    private Catalog() {
    }

    public static void push(Connection c, String repository, String tag, String digest, String mediaType,
            String actor, Instant at) throws SQLException {
        Timestamp time = Timestamp.from(at);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO repositories (name, namespace, last_push_at) VALUES (?, ?, ?)
                ON DUPLICATE KEY UPDATE last_push_at = GREATEST(COALESCE(last_push_at, VALUES(last_push_at)),
                  VALUES(last_push_at))""")) {
            s.setString(1, repository);
            s.setString(2, AccessService.namespaceName(repository));
            s.setTimestamp(3, time);
            s.executeUpdate();
        }
        if (digest != null) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT IGNORE INTO manifests (digest, repository, media_type) VALUES (?, ?, ?)")) {
                s.setString(1, digest);
                s.setString(2, repository);
                s.setString(3, mediaType);
                s.executeUpdate();
            }
        }
        if (tag == null || digest == null) {
            return; // a push by digest (e.g. a platform image of an index) names no tag
        }
        // Assignments run left to right: pushed_at is compared before it is moved, so it comes last.
        // INSERT ... VALUES, not INSERT ... SELECT: InnoDB takes the table-wide AUTO-INC lock for the whole of an
        // INSERT ... SELECT (innodb_autoinc_lock_mode 1, the default), so concurrent event writers deadlocked on it
        // (MariaDB error 1467 or 1213), and the sink answered 503.
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO tags (repository_id, name, digest, media_type, pushed_by, pushed_at)
                VALUES ((SELECT id FROM repositories WHERE name = ?), ?, ?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE
                  digest = IF(VALUES(pushed_at) >= pushed_at, VALUES(digest), digest),
                  media_type = IF(VALUES(pushed_at) >= pushed_at, VALUES(media_type), media_type),
                  pushed_by = IF(VALUES(pushed_at) >= pushed_at, VALUES(pushed_by), pushed_by),
                  pushed_at = GREATEST(pushed_at, VALUES(pushed_at))""")) {
            s.setString(1, repository);
            s.setString(2, tag);
            s.setString(3, digest);
            s.setString(4, mediaType);
            s.setString(5, actor);
            s.setTimestamp(6, time);
            s.executeUpdate();
        }
        countTags(c, repository);
    }

    /**
     * A GET of a manifest by someone else than Portcullis: dates the tag's last pull and counts one pull. A GET
     * by digest of an untagged manifest (a platform image fetched after its index) is part of a pull already
     * counted, so it counts only when a tag points at that digest.
     */
    public static void pull(Connection c, String repository, String tag, String digest, Instant at)
            throws SQLException {
        if (tag == null && digest == null) {
            return;
        }
        Timestamp time = Timestamp.from(at);
        int tagged;
        String which = tag != null ? "name = ?" : "digest = ?";
        try (PreparedStatement s = c.prepareStatement("UPDATE tags SET last_pulled_at = GREATEST("
                + "COALESCE(last_pulled_at, ?), ?) WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)"
                + " AND " + which)) {
            s.setTimestamp(1, time);
            s.setTimestamp(2, time);
            s.setString(3, repository);
            s.setString(4, tag != null ? tag : digest);
            tagged = s.executeUpdate();
        }
        if (tag == null && tagged == 0) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE repositories SET pull_count = pull_count + 1,
                  last_pull_at = GREATEST(COALESCE(last_pull_at, ?), ?) WHERE name = ?""")) {
            s.setTimestamp(1, time);
            s.setTimestamp(2, time);
            s.setString(3, repository);
            s.executeUpdate();
        }
    }

    /**
     * A delete by digest removes every tag on it; a delete by tag (distribution 3.x) that tag. The repository
     * stays, with its history, even when no tag is left.
     */
    public static int delete(Connection c, String repository, String tag, String digest, Instant at)
            throws SQLException {
        if (tag == null && digest == null) {
            return 0;
        }
        String which = tag != null ? "name = ?" : "digest = ?";
        int removed;
        try (PreparedStatement s = c.prepareStatement("DELETE FROM tags WHERE repository_id = "
                + "(SELECT id FROM repositories WHERE name = ?) AND " + which + " AND pushed_at <= ?")) {
            s.setString(1, repository);
            s.setString(2, tag != null ? tag : digest);
            s.setTimestamp(3, Timestamp.from(at));
            removed = s.executeUpdate();
        }
        countTags(c, repository);
        return removed;
    }

    static void countTags(Connection c, String repository) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE repositories r SET tag_count = "
                + "(SELECT COUNT(*) FROM tags t WHERE t.repository_id = r.id) WHERE r.name = ?")) {
            s.setString(1, repository);
            s.executeUpdate();
        }
    }
}
