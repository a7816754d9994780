package dev.portcullis.registry;

import dev.portcullis.access.policy.RepositoryName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The only code that writes repositories, tags and manifests, inside the {@link CatalogWriter}'s transaction (only
 * the writer makes one). Events may arrive out of order, so every change compares times: an older push never
 * moves a tag that a newer one set, a delete removes only what was pushed before it.
 */
public final class Catalog {

    /** Rows per multi-row statement: far below the protocol's 65,535 placeholders, small enough to parse fast. */
    static final int ROWS = 500;

    private final Connection connection;
    private final Statements sql;

    Catalog(Connection connection) {
        this.connection = connection;
        this.sql = new Statements(connection);
    }

    /** The writer's transaction, for the rows that must commit with a change of the catalog (the sink's events). */
    public Connection connection() {
        return connection;
    }

    /** A manifest pushed, by tag or by digest (a platform image of an index names no tag). */
    public record Push(String repository, String tag, String digest, String mediaType, String actor, Instant at) {
    }

    /** One manifest push; see {@link #pushAll}. */
    public void push(String repository, String tag, String digest, String mediaType, String actor, Instant at)
            throws SQLException {
        pushAll(List.of(new Push(repository, tag, digest, mediaType, actor, at)));
    }

    /**
     * Manifest pushes, in the order they happened, with one statement per kind of row for all of them (not one per
     * push): a busy sink's batch of deliveries costs a handful of round trips. The result is the one of applying
     * them one after the other: the first push of a manifest names its repository, a tag moves only to a newer push.
     */
    public void pushAll(List<Push> pushes) throws SQLException {
        for (int from = 0; from < pushes.size(); from += ROWS) {
            pushChunk(pushes.subList(from, Math.min(pushes.size(), from + ROWS)));
        }
    }

    private void pushChunk(List<Push> pushes) throws SQLException {
        Map<String, Timestamp> latest = new TreeMap<>(); // sorted: rows are locked in one order, whoever writes
        Map<String, Push> firstOfDigest = new LinkedHashMap<>();
        for (Push p : pushes) {
            latest.merge(p.repository(), Timestamp.from(p.at()), (a, b) -> a.after(b) ? a : b);
            if (p.digest() != null) {
                firstOfDigest.putIfAbsent(p.digest(), p);
            }
        }
        List<Object> args = new ArrayList<>();
        latest.forEach((name, time) -> Collections.addAll(args, name, RepositoryName.namespaceName(name), time));
        sql.update("INSERT INTO repositories (name, namespace, last_push_at) VALUES " + Statements.rows("(?, ?, ?)", latest.size())
                + " ON DUPLICATE KEY UPDATE last_push_at = GREATEST(COALESCE(last_push_at, VALUES(last_push_at)),"
                + " VALUES(last_push_at))", args.toArray());
        if (firstOfDigest.isEmpty()) {
            return;
        }
        args.clear();
        firstOfDigest.values().forEach(p -> Collections.addAll(args, p.digest(), p.repository(), p.mediaType()));
        sql.update("INSERT IGNORE INTO manifests (digest, repository, media_type) VALUES "
                + Statements.rows("(?, ?, ?)", firstOfDigest.size()), args.toArray());
        List<Push> tagged = new ArrayList<>();
        for (Push p : pushes) {
            if (p.tag() != null && p.digest() != null) {
                tagged.add(p);
            }
        }
        tagged.removeIf(deletedSince(tagged)::contains);
        if (tagged.isEmpty()) {
            return;
        }
        // A new tag counts one more; a known one moves only when this push is the newer. (Not one upsert: its
        // row count cannot tell a new tag from an older push that changed nothing.)
        args.clear();
        for (Push p : tagged) {
            Collections.addAll(args, p.repository(), p.tag(), p.digest(), p.mediaType(), p.actor(),
                    Timestamp.from(p.at()));
        }
        Set<String> added = new HashSet<>();
        try (PreparedStatement insert = sql.prepare("INSERT IGNORE INTO tags (repository_id, name, digest, media_type,"
                + " pushed_by, pushed_at) VALUES " + Statements.rows("((SELECT id FROM repositories WHERE name = ?), ?, ?, ?, ?, ?)",
                tagged.size()) + " RETURNING (SELECT name FROM repositories r WHERE r.id = repository_id), name",
                args.toArray()); ResultSet rs = insert.executeQuery()) {
            while (rs.next()) {
                added.add(rs.getString(1) + ':' + rs.getString(2));
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        List<Object[]> moves = new ArrayList<>();
        for (Push p : tagged) {
            Timestamp time = Timestamp.from(p.at());
            if (added.remove(p.repository() + ':' + p.tag())) {
                counts.merge(p.repository(), 1, Integer::sum);
            } else {
                moves.add(new Object[] {p.digest(), p.mediaType(), p.actor(), time, p.repository(), p.tag(), time});
            }
        }
        sql.batch("""
                UPDATE tags SET digest = ?, media_type = ?, pushed_by = ?, pushed_at = ?
                WHERE repository_id = (SELECT id FROM repositories WHERE name = ?) AND name = ? AND pushed_at <= ?""",
                moves);
        List<Object[]> tagCounts = new ArrayList<>();
        counts.forEach((repository, delta) -> tagCounts.add(new Object[] {delta, repository}));
        sql.batch("UPDATE repositories SET tag_count = tag_count + ? WHERE name = ?", tagCounts);
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
        int tagged = sql.update("UPDATE tags SET last_pulled_at = GREATEST(COALESCE(last_pulled_at, ?), ?)"
                + " WHERE repository_id = (SELECT id FROM repositories WHERE name = ?) AND "
                + (tag != null ? "name = ?" : "digest = ?"), time, time, repository, tag != null ? tag : digest);
        if (tag == null && tagged == 0) {
            return;
        }
        sql.update("""
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
        int removed = sql.update("DELETE FROM tags WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)"
                + " AND " + (tag != null ? "name = ?" : "digest = ?") + " AND pushed_at <= ?",
                repository, reference, Timestamp.from(at));
        // Kept whether or not it found the tag: the push it undoes may arrive after it.
        sql.update("""
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
        return sql.update("UPDATE repositories SET description = ? WHERE name = ?", description, repository) > 0;
    }

    /**
     * A change found by reconciliation, applied unless the sink got there first: a tag pushed or moved after
     * {@code before} (the walk's start) is never touched. @return whether it changed anything
     */
    public boolean apply(CatalogChange change, Instant before) throws SQLException {
        Timestamp walked = Timestamp.from(before);
        String repository = change.repository();
        if (change instanceof CatalogChange.AddRepository) {
            return sql.update("INSERT IGNORE INTO repositories (name, namespace, last_push_at) VALUES (?, ?, ?)",
                    repository, RepositoryName.namespaceName(repository), walked) > 0;
        }
        if (change instanceof CatalogChange.AddTag add) {
            knowManifest(repository, add.digest(), null);
            // A tag found only now: when it was pushed is unknown, so it counts as pushed when found.
            int added = sql.update("""
                    INSERT IGNORE INTO tags (repository_id, name, digest, pushed_at)
                    VALUES ((SELECT id FROM repositories WHERE name = ?), ?, ?, ?)""",
                    repository, add.tag(), add.digest(), walked);
            countTags(repository, added);
            return added > 0;
        }
        if (change instanceof CatalogChange.MoveTag move) {
            knowManifest(repository, move.digest(), null);
            return sql.update("""
                    UPDATE tags SET digest = ? WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)
                    AND name = ? AND pushed_at < ?""", move.digest(), repository, move.tag(), walked) > 0;
        }
        CatalogChange.RemoveTag remove = (CatalogChange.RemoveTag) change;
        int removed = sql.update("""
                DELETE FROM tags WHERE repository_id = (SELECT id FROM repositories WHERE name = ?)
                AND name = ? AND pushed_at < ?""", repository, remove.tag(), walked);
        countTags(repository, -removed);
        return removed > 0;
    }

    /**
     * The empty repositories of a namespace that is going (their tags and stars with them). @return how many went
     */
    public int forgetNamespace(String namespace) throws SQLException {
        return sql.update("DELETE FROM repositories WHERE namespace = ? AND tag_count = 0", namespace);
    }

    /** What the registry said about a manifest: its details, or that it no longer has it. */
    public void detailsFetched(String digest, ManifestDetails details, Instant at) throws SQLException {
        sql.update("""
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
        sql.update("UPDATE manifests SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE digest = ?",
                Timestamp.from(next), error.length() > 512 ? error.substring(0, 512) : error, digest);
    }

    /** Tombstones older than {@code before}: no push that old arrives any more. @return how many went */
    public int forgetTombstones(Instant before) throws SQLException {
        return sql.update("DELETE FROM tombstones WHERE deleted_at < ?", Timestamp.from(before));
    }

    /** The pushes whose tag, or the image it would name, was deleted at or after the push. */
    private Set<Push> deletedSince(List<Push> pushes) throws SQLException {
        Set<Push> deleted = new HashSet<>();
        if (pushes.isEmpty()) {
            return deleted;
        }
        Set<String> repositories = new TreeSet<>();
        pushes.forEach(p -> repositories.add(p.repository()));
        Map<String, Timestamp> tombstones = new HashMap<>();
        try (PreparedStatement s = sql.prepare("SELECT repository, reference, deleted_at FROM tombstones WHERE repository IN ("
                + String.join(", ", Collections.nCopies(repositories.size(), "?")) + ")", repositories.toArray());
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tombstones.put(rs.getString(1) + '@' + rs.getString(2), rs.getTimestamp(3));
            }
        }
        if (tombstones.isEmpty()) {
            return deleted;
        }
        for (Push p : pushes) {
            Timestamp pushed = Timestamp.from(p.at());
            for (String reference : new String[] {p.tag(), p.digest()}) {
                Timestamp at = tombstones.get(p.repository() + '@' + reference);
                if (at != null && !at.before(pushed)) {
                    deleted.add(p);
                }
            }
        }
        return deleted;
    }

    /** Details are fetched once per digest (content-addressed: the same in every repository). */
    private void knowManifest(String repository, String digest, String mediaType) throws SQLException {
        sql.update("INSERT IGNORE INTO manifests (digest, repository, media_type) VALUES (?, ?, ?)",
                digest, repository, mediaType);
    }

    /** Kept with each change instead of counted per change: a count walks every tag of the repository. */
    private void countTags(String repository, int delta) throws SQLException {
        if (delta != 0) {
            sql.update("UPDATE repositories SET tag_count = tag_count + ? WHERE name = ?", delta, repository);
        }
    }
}
