package dev.portcullis.portus;

import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.Set;

/**
 * Portus's repositories, tags (digest, pusher, dates) and stars, as a head start: the registry stays the truth,
 * and a reconciliation after the switch brings what differs (pushed meanwhile, a tag Portus never learnt of). A
 * tag Portus knew without a digest (Portus before 2.0) is left to that reconciliation. Comments have nothing to
 * become here, so they are counted as skipped.
 */
final class CatalogImport {

    static final String REPOSITORIES = "repositories";
    static final String TAGS = "tags";
    static final String STARS = "stars";
    static final String COMMENTS = "comments";

    private final ImportRun run;
    /** Our repository ids whose tag count and last push need counting again. */
    private final Set<Long> touched = new HashSet<>();
    private int undigested;

    CatalogImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read(REPOSITORIES, "SELECT id, name, namespace_id, created_at FROM repositories ORDER BY id",
                this::repository);
        run.read(TAGS, """
                SELECT t.id, t.repository_id, t.name, t.digest, t.user_id, t.username, u.username AS pusher,
                       t.created_at, t.updated_at
                FROM tags t LEFT JOIN users u ON u.id = t.user_id ORDER BY t.id""", this::tag);
        if (undigested > 0) {
            run.report.conflict(TAGS, undigested + " tags", "Portus knew them without a digest",
                    "not imported: the reconciliation after the switch finds them in the registry");
        }
        for (Long id : touched) {
            run.update("""
                    UPDATE repositories r SET
                      tag_count = (SELECT COUNT(*) FROM tags t WHERE t.repository_id = r.id),
                      last_push_at = (SELECT MAX(t.pushed_at) FROM tags t WHERE t.repository_id = r.id)
                    WHERE r.id = ?""", id);
        }
        run.read(STARS, "SELECT id, user_id, repository_id, created_at FROM stars ORDER BY id", this::star);
        run.read(COMMENTS, "SELECT id FROM comments", rs -> run.report.skipped(COMMENTS));
    }

    private void repository(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String namespace = run.namespaces.get(rs.getLong("namespace_id"));
        String name = namespace == null ? null
                : NamespaceFacts.GLOBAL_NAME.equals(namespace) ? rs.getString("name")
                : namespace + "/" + rs.getString("name");
        if (name == null || !RepositoryName.isValid(name)) {
            if (name != null) {
                run.report.conflict(REPOSITORIES, name, "the name breaks the registry's name grammar",
                        "not imported");
            }
            run.report.skipped(REPOSITORIES); // its namespace stayed behind
            return;
        }
        run.repositories.put(id, name);
        Long mapped = run.mapping.ours(REPOSITORIES, id);
        if (mapped != null) {
            run.report.unchanged(REPOSITORIES);
            return;
        }
        Object existing = run.one("SELECT id FROM repositories WHERE name = ?", name);
        long ours;
        if (existing != null) { // the sink or a reconciliation saw it already: the same image
            ours = ((Number) existing).longValue();
            run.mapping.record(REPOSITORIES, id, ours, "linked");
            run.report.unchanged(REPOSITORIES);
        } else {
            ours = run.insert("INSERT INTO repositories (name, namespace, created_at) VALUES (?, ?, ?)", name,
                    RepositoryName.namespaceName(name), ImportRun.time(rs, "created_at"));
            run.mapping.record(REPOSITORIES, id, ours, "created");
            run.report.created(REPOSITORIES);
        }
    }

    private void tag(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String tag = rs.getString("name");
        String digest = UserImport.blankToNull(rs.getString("digest"));
        run.tags.put(id, new String[] {tag, digest});
        Long repository = run.mapping.ours(REPOSITORIES, rs.getLong("repository_id"));
        if (repository == null || run.repositories.get(rs.getLong("repository_id")) == null) {
            run.report.skipped(TAGS);
            return;
        }
        if (digest == null || !digest.matches("[a-z0-9]+:[a-f0-9]{32,128}") || tag.length() > 128) {
            undigested++;
            run.report.skipped(TAGS);
            return;
        }
        if (run.mapping.has(TAGS, id)) {
            run.report.unchanged(TAGS);
            return;
        }
        String pusher = rs.getString("pusher") != null
                ? run.usernames.getOrDefault(rs.getLong("user_id"), rs.getString("pusher"))
                : rs.getString("username"); // Portus keeps the name of a deleted pusher here
        Timestamp pushedAt = ImportRun.time(rs, "updated_at");
        String repo = run.repositories.get(rs.getLong("repository_id"));
        int added = run.update("INSERT IGNORE INTO tags (repository_id, name, digest, pushed_by, pushed_at)"
                + " VALUES (?, ?, ?, ?, ?)", repository, tag, digest, pusher, pushedAt);
        // As the catalog records a first push: the manifest's details are fetched from the registry later.
        run.update("INSERT IGNORE INTO manifests (digest, repository) VALUES (?, ?)", digest, repo);
        touched.add(repository);
        run.mapping.record(TAGS, id, repository, added == 1 ? "created" : "linked");
        if (added == 1) {
            run.report.created(TAGS);
        } else {
            run.report.unchanged(TAGS); // known here already, from the registry itself: that one stays
        }
    }

    private void star(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Long user = run.mapping.ours(UserImport.KIND, rs.getLong("user_id"));
        Long repository = run.mapping.ours(REPOSITORIES, rs.getLong("repository_id"));
        if (user == null || repository == null) {
            run.report.skipped(STARS);
            return;
        }
        if (run.mapping.has(STARS, id)) {
            run.report.unchanged(STARS);
            return;
        }
        int added = run.update("INSERT IGNORE INTO stars (user_id, repository_id, created_at) VALUES (?, ?, ?)",
                user, repository, ImportRun.time(rs, "created_at"));
        run.mapping.record(STARS, id, repository, added == 1 ? "created" : "linked");
        if (added == 1) {
            run.report.created(STARS);
        } else {
            run.report.unchanged(STARS);
        }
    }
}
