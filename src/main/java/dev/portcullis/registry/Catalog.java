package dev.portcullis.registry;

import dev.portcullis.access.policy.RepositoryName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The only code that writes repositories, tags and manifests, inside the {@link CatalogWriter}'s transaction (only
 * the writer makes one). Events may arrive out of order, so every change compares times: an older push never
 * moves a tag that a newer one set, a delete removes only what was pushed before it.
 */
public final class Catalog {

    private final Connection connection;

    Catalog(Connection connection) {
        this.connection = connection;
    }

    /** The writer's transaction, for the rows that must commit with a change of the catalog (the sink's events). */
    public Connection connection() {
        return connection;
    }

    /** A manifest pushed, by tag or by digest (a platform image of an index names no tag). */
    public void push(String repository, String tag, String digest, String mediaType, String actor, Instant at)
            throws SQLException {
        Timestamp time = Timestamp.from(at);
        update("""
                INSERT INTO repositories (name, namespace, last_push_at) VALUES (?, ?, ?)
                ON DUPLICATE KEY UPDATE last_push_at = GREATEST(COALESCE(last_push_at, VALUES(last_push_at)),
                  VALUES(last_push_at))""", repository, RepositoryName.namespaceName(repository), time);
        if (digest == null) {
            return;
        }
        knowManifest(repository, digest, mediaType);
        if (tag == null || deletedSince(repository, tag, digest, time)) {
            return;
        }
        // A new tag counts one more; a known one moves only when this push is the newer. (Not one upsert: its
        // row count cannot tell a new tag from an older push that changed nothing.)
        int added = update("""
                INSERT IGNORE INTO tags (repository_id, name, digest, media_type, pushed_by, pushed_at)
                VALUES ((SELECT id FROM repositories WHERE name = ?), ?, ?, ?, ?, ?)""",
                repository, tag, digest, mediaType, actor, time);
        if (added > 0) {
            countTags(repository, added);
            return;
        }
        update("""
                UPDATE tags SET digest = ?, media_type = ?, pushed_by = ?, pushed_at = ?
                WHERE repository_id = (SELECT id FROM repositories WHERE name = ?) AND name = ? AND pushed_at <= ?""",
                digest, mediaType, actor, time, repository, tag, time);
    }

    /**
     * A GET of a manifest by someone else than Portcullis: dates the tag's last pull and counts one pull. A GET
     * by digest of an untagged manifest (a platform image fetched after its index) is part of a pull already
     * counted, so it counts only when a tag points at that digest.
     */
    public void pull(String repository, String tag, String digest, Instant at) throws SQLException {
        if (tag == null && digest == null) {
            return;
        }
        Timestamp time = Timestamp.from(at);
        int tagged = update("UPDATE tags SET last_pulled_at = GREATEST(COALESCE(last_pulled_at, ?), ?)"
                + " WHERE repository_id = (SELECT id FROM repositories WHERE name = ?) AND "
                + (tag != null ? "name = ?" : "digest = ?"), time, time, repository, tag != null ? tag : digest);
        if (tag == null && tagged == 0) {
            return;
        }
        update("""
                UPDATE repositories SET pull_count = pull_count + 1,
                  last_pull_at = GREATEST(COALESCE(last_pull_at, ?), ?) WHERE name = ?""", time, time, repository);
    }

    /**
     * A delete by digest removes every tag on it; a delete by tag (distribution 3.x) that tag. The repository
     * stays, with its history, even when no tag is left. @return the tags removed
     */
    public int delete(String repository, String tag, String digest, Instant at) throws SQLException {
        if (tag == null && digest == null) {
            return 0;
        }
        String reference = tag != null ? tag : digest;
        int removed = update("DELETE FROM tags WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)"
                + " AND " + (tag != null ? "name = ?" : "digest = ?") + " AND pushed_at <= ?",
                repository, reference, Timestamp.from(at));
        // Kept whether or not it found the tag: the push it undoes may arrive after it.
        update("""
                INSERT INTO tombstones (repository, reference, deleted_at) VALUES (?, ?, ?)
                ON DUPLICATE KEY UPDATE deleted_at = GREATEST(deleted_at, VALUES(deleted_at))""",
                repository, reference, Timestamp.from(at));
        if (removed > 0) {
            countTags(repository, -removed);
        }
        return removed;
    }

    /** The repository's description (markdown), or none. @return whether the repository exists */
    public boolean describe(String repository, String description) throws SQLException {
        return update("UPDATE repositories SET description = ? WHERE name = ?", description, repository) > 0;
    }

    /**
     * A change found by reconciliation, applied unless the sink got there first: a tag pushed or moved after
     * {@code before} (the walk's start) is never touched. @return whether it changed anything
     */
    public boolean apply(CatalogChange change, Instant before) throws SQLException {
        Timestamp walked = Timestamp.from(before);
        String repository = change.repository();
        if (change instanceof CatalogChange.AddRepository) {
            return update("INSERT IGNORE INTO repositories (name, namespace, last_push_at) VALUES (?, ?, ?)",
                    repository, RepositoryName.namespaceName(repository), walked) > 0;
        }
        if (change instanceof CatalogChange.AddTag add) {
            knowManifest(repository, add.digest(), null);
            // A tag found only now: when it was pushed is unknown, so it counts as pushed when found.
            int added = update("""
                    INSERT IGNORE INTO tags (repository_id, name, digest, pushed_at)
                    VALUES ((SELECT id FROM repositories WHERE name = ?), ?, ?, ?)""",
                    repository, add.tag(), add.digest(), walked);
            countTags(repository, added);
            return added > 0;
        }
        if (change instanceof CatalogChange.MoveTag move) {
            knowManifest(repository, move.digest(), null);
            return update("""
                    UPDATE tags SET digest = ? WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)
                    AND name = ? AND pushed_at < ?""", move.digest(), repository, move.tag(), walked) > 0;
        }
        CatalogChange.RemoveTag remove = (CatalogChange.RemoveTag) change;
        int removed = update("""
                DELETE FROM tags WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)
                AND name = ? AND pushed_at < ?""", repository, remove.tag(), walked);
        countTags(repository, -removed);
        return removed > 0;
    }

    /**
     * The empty repositories of a namespace that is going (their tags and stars with them). @return how many went
     */
    public int forgetNamespace(String namespace) throws SQLException {
        return update("DELETE FROM repositories WHERE namespace = ? AND tag_count = 0", namespace);
    }

    /** What the registry said about a manifest: its details, or that it no longer has it. */
    public void detailsFetched(String digest, ManifestDetails details, Instant at) throws SQLException {
        update("""
                UPDATE manifests SET fetched_at = ?, media_type = COALESCE(?, media_type), total_size = ?,
                  platforms = ?, config_created = ?, labels = ?, last_error = ? WHERE digest = ?""",
                Timestamp.from(at), details == null ? null : details.mediaType(),
                details == null ? null : details.totalSize(),
                details == null || details.platforms().isEmpty() ? null : String.join(",", details.platforms()),
                details == null || details.created() == null ? null : Timestamp.from(details.created()),
                details == null ? null : details.labelsJson(),
                details == null ? "the registry no longer has this manifest" : null, digest);
    }

    /** The registry could not be asked about a manifest: ask again at {@code next}. */
    public void detailsFailed(String digest, String error, Instant next) throws SQLException {
        update("UPDATE manifests SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE digest = ?",
                Timestamp.from(next), error.length() > 512 ? error.substring(0, 512) : error, digest);
    }

    /** Tombstones older than {@code before}: no push that old arrives any more. @return how many went */
    public int forgetTombstones(Instant before) throws SQLException {
        return update("DELETE FROM tombstones WHERE deleted_at < ?", Timestamp.from(before));
    }

    /** Whether the tag, or the image it would name, was deleted at or after {@code pushed}. */
    private boolean deletedSince(String repository, String tag, String digest, Timestamp pushed) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT 1 FROM tombstones WHERE repository = ? AND reference IN (?, ?) AND deleted_at >= ?""")) {
            s.setString(1, repository);
            s.setString(2, tag);
            s.setString(3, digest);
            s.setTimestamp(4, pushed);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Details are fetched once per digest (content-addressed: the same in every repository). */
    private void knowManifest(String repository, String digest, String mediaType) throws SQLException {
        update("INSERT IGNORE INTO manifests (digest, repository, media_type) VALUES (?, ?, ?)",
                digest, repository, mediaType);
    }

    /** Kept with each change instead of counted per change: a count walks every tag of the repository. */
    private void countTags(String repository, int delta) throws SQLException {
        if (delta != 0) {
            update("UPDATE repositories SET tag_count = tag_count + ? WHERE name = ?", delta, repository);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }
}
