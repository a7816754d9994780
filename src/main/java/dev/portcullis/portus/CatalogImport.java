package dev.portcullis.portus;

import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.registry.Catalog;
import dev.portcullis.registry.CatalogWriter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Portus's repositories, tags (digest, pusher, dates) and stars, as a head start: the registry stays the truth,
 * and a reconciliation after the switch brings what differs (pushed meanwhile, a tag Portus never learnt of). A
 * tag Portus knew without a digest (Portus before 2.0) is left to that reconciliation. Comments have nothing to
 * become here, so they are counted as skipped.
 *
 * <p>Planned inside the import's transaction (so a dry run reports exactly), written by the one catalog writer
 * (docs/adr/0004): as the pushes the sink records, so a tag the registry has since moved or deleted stays as the
 * registry has it, and the sink's batches never meet a second writer of these rows. A run that fails after the
 * catalog was written leaves rows the next run finds by name and links.
 */
final class CatalogImport {

    static final String REPOSITORIES = "repositories";
    static final String TAGS = "tags";
    static final String STARS = "stars";
    static final String COMMENTS = "comments";
    /** Pushes per write of the catalog writer: its transactions stay short beside the sink's. */
    static final int PUSHES_PER_WRITE = 1_000;

    private record Star(long userId, String repository, Timestamp at) {
    }

    private final ImportRun run;
    private final List<Catalog.Push> pushes = new ArrayList<>();
    private final List<Star> stars = new ArrayList<>();
    private final Set<String> knownRepositories = new HashSet<>();
    /** "repository:tag" of every tag here before the run. */
    private final Set<String> knownTags = new HashSet<>();
    private final Map<String, Boolean> planned = new HashMap<>();
    private int undigested;

    CatalogImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        try (Statement s = run.ours.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT name FROM repositories")) {
                while (rs.next()) {
                    knownRepositories.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT r.name, t.name FROM tags t JOIN repositories r ON r.id = t.repository_id")) {
                while (rs.next()) {
                    knownTags.add(rs.getString(1) + ':' + rs.getString(2));
                }
            }
        }
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
        run.read(STARS, "SELECT id, user_id, repository_id, created_at FROM stars ORDER BY id", this::star);
        run.read(COMMENTS, "SELECT id FROM comments", rs -> run.report.skipped(COMMENTS));
    }

    /**
     * Writes what {@link #run} planned: the pushes through the catalog writer (each write its own commit), then, in
     * the import's transaction, the stars (they name its uncommitted accounts; the repositories are found by a
     * locking read, which sees the writer's commits). Called before the import's own commit, for a real run only.
     */
    void write(CatalogWriter writer) throws SQLException {
        for (int from = 0; from < pushes.size(); from += PUSHES_PER_WRITE) {
            List<Catalog.Push> chunk = pushes.subList(from, Math.min(pushes.size(), from + PUSHES_PER_WRITE));
            writer.write(catalog -> {
                catalog.pushAll(chunk);
                return chunk.size();
            });
        }
        if (stars.isEmpty()) {
            return;
        }
        try (PreparedStatement s = run.ours.prepareStatement("INSERT IGNORE INTO stars (user_id, repository_id,"
                + " created_at) SELECT ?, id, ? FROM repositories WHERE name = ? LOCK IN SHARE MODE")) {
            for (Star star : stars) {
                ImportRun.bind(s, star.userId(), star.at(), star.repository());
                s.addBatch();
            }
            s.executeBatch();
        }
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
        if (run.mapping.has(REPOSITORIES, id)) {
            run.report.unchanged(REPOSITORIES);
        } else if (knownRepositories.contains(name)) { // the sink or a reconciliation saw it already
            run.mapping.record(REPOSITORIES, id, null, "linked");
            run.report.unchanged(REPOSITORIES);
        } else {
            // A push of no manifest names the repository, dated as Portus first saw it.
            pushes.add(new Catalog.Push(name, null, null, null, null, ImportRun.time(rs, "created_at").toInstant()));
            run.mapping.record(REPOSITORIES, id, null, "created");
            run.report.created(REPOSITORIES);
        }
    }

    private void tag(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String tag = rs.getString("name");
        String digest = UserImport.blankToNull(rs.getString("digest"));
        run.tags.put(id, new String[] {tag, digest});
        String repository = run.repositories.get(rs.getLong("repository_id"));
        if (repository == null) {
            run.report.skipped(TAGS);
            return;
        }
        if (digest == null || !digest.matches("[a-z0-9]+:[a-f0-9]{32,128}") || tag.length() > 128) {
            undigested++;
            run.report.skipped(TAGS);
            return;
        }
        // Imported before (and perhaps deleted here since, which stays so), or known here already, from the
        // registry itself: that one stays.
        if (run.mapping.has(TAGS, id) || knownTags.contains(repository + ':' + tag)
                || planned.putIfAbsent(repository + ':' + tag, true) != null) {
            if (!run.mapping.has(TAGS, id)) {
                run.mapping.record(TAGS, id, null, "linked");
            }
            run.report.unchanged(TAGS);
            return;
        }
        String pusher = rs.getString("pusher") != null
                ? run.usernames.getOrDefault(rs.getLong("user_id"), rs.getString("pusher"))
                : rs.getString("username"); // Portus keeps the name of a deleted pusher here
        Timestamp pushedAt = ImportRun.time(rs, "updated_at");
        // The media type is not Portus's to know: the details fetcher asks the registry, as for a first push.
        pushes.add(new Catalog.Push(repository, tag, digest, null, pusher, pushedAt.toInstant()));
        run.mapping.record(TAGS, id, null, "created");
        run.report.created(TAGS);
    }

    private void star(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Long user = run.mapping.ours(UserImport.KIND, rs.getLong("user_id"));
        String repository = run.repositories.get(rs.getLong("repository_id"));
        if (user == null || repository == null) {
            run.report.skipped(STARS);
            return;
        }
        if (run.mapping.has(STARS, id)) {
            run.report.unchanged(STARS);
            return;
        }
        stars.add(new Star(user, repository, ImportRun.time(rs, "created_at")));
        run.mapping.record(STARS, id, null, "created");
        run.report.created(STARS);
    }
}
