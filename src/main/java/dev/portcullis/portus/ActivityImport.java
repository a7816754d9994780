package dev.portcullis.portus;

import dev.portcullis.access.policy.RepositoryName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portus's activity history (public_activity rows: trackable, key, owner, recipient, YAML parameters) where it
 * means something in our feed: pushes and deletes, namespaces created, deleted, moved or made more or less
 * visible, team and membership changes, tokens created and revoked. Each becomes one feed row whose event id is
 * {@code portus-<source>-<id>}, so a second run inserts nothing (the unique index skips it) and needs no mapping
 * rows.
 */
final class ActivityImport {

    static final String KIND = "activities";
    /** A top-level {@code :key: value} line of the YAML a Ruby hash of symbols serialises to. */
    private static final Pattern PARAMETER = Pattern.compile("(?m)^:([a-z_]+): *['\"]?(.*?)['\"]?$");
    private static final Map<String, String> ACTIONS = Map.ofEntries(
            Map.entry("repository.push", "push"),
            Map.entry("repository.delete", "delete"),
            Map.entry("namespace.create", "namespace.create"),
            Map.entry("namespace.delete", "namespace.delete"),
            Map.entry("namespace.change_visibility", "namespace.update"),
            Map.entry("namespace.change_namespace_description", "namespace.update"),
            Map.entry("namespace.change_team", "namespace.move"),
            Map.entry("team.create", "team.create"),
            Map.entry("team.delete", "team.delete"),
            Map.entry("team.add_member", "member.add"),
            Map.entry("team.remove_member", "member.remove"),
            Map.entry("team.change_member_role", "member.update"),
            Map.entry("application_token.create", "token.create"),
            Map.entry("application_token.destroy", "token.revoke"));

    private final ImportRun run;
    private final List<Object[]> pending = new ArrayList<>();
    /** {@code portus-<source tag>-}: two Portus databases both number their activities from 1. */
    private final String prefix;

    ActivityImport(ImportRun run) {
        this.run = run;
        this.prefix = "portus-" + run.sourceTag() + "-";
    }

    void run() throws SQLException {
        run.read(KIND, """
                SELECT id, trackable_id, trackable_type, owner_id, `key`, parameters, recipient_id, recipient_type,
                       created_at
                FROM activities ORDER BY id""", this::activity);
        flush();
    }

    private void activity(ResultSet rs) throws SQLException {
        String action = ACTIONS.get(rs.getString("key"));
        if (action == null) { // stars, comments, webhooks, users, registries: nothing of the feed's
            run.report.skipped(KIND);
            return;
        }
        Map<String, String> p = parameters(rs.getString("parameters"));
        long trackable = rs.getLong("trackable_id");
        long recipient = rs.getLong("recipient_id");
        String recipientType = rs.getString("recipient_type");
        String actor = run.usernames.getOrDefault(rs.getLong("owner_id"), p.get("owner_name"));
        String namespace = null, repository = null, tag = null, digest = null, team = null, target = null;
        String detail = null;
        switch (rs.getString("trackable_type")) {
            case "Repository" -> {
                repository = run.repositories.getOrDefault(trackable, fullName(p));
                String[] t = "Tag".equals(recipientType) ? run.tags.get(recipient) : null;
                tag = t != null ? t[0] : p.get("tag_name");
                digest = t != null ? t[1] : null;
                namespace = repository == null ? null : RepositoryName.namespaceName(repository);
            }
            case "Namespace" -> {
                namespace = run.namespaces.getOrDefault(trackable, p.get("namespace_name"));
                detail = p.containsKey("visibility") ? "visibility: " + p.get("visibility").replace("visibility_", "")
                        : p.containsKey("team") ? "to team " + p.get("team") : null;
            }
            case "Team" -> {
                team = run.teams.getOrDefault(trackable, p.get("team_name"));
                target = "User".equals(recipientType) ? run.usernames.get(recipient) : null;
                detail = p.containsKey("role") ? "as " + p.get("role") : null;
            }
            case "ApplicationToken" -> {
                target = actor;
                detail = p.get("application");
            }
            default -> {
                run.report.skipped(KIND);
                return;
            }
        }
        if (namespace == null && team == null && target == null) {
            run.report.skipped(KIND); // about something that did not come over
            return;
        }
        pending.add(new Object[] {prefix + rs.getLong("id"), ImportRun.time(rs, "created_at"), action, namespace,
                repository, UserImport.truncate(tag, 128), digest, actor, team, target,
                UserImport.truncate(detail, 1024)});
        if (pending.size() >= Mapping.ROWS) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT IGNORE INTO activities (event_id, occurred_at, action,"
                + " namespace, repository, tag, digest, actor, team, target_user, detail) VALUES ");
        for (int i = 0; i < pending.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement s = run.ours.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object[] row : pending) {
                for (Object o : row) {
                    s.setObject(i++, o instanceof Timestamp t ? t : o);
                }
            }
            int added = s.executeUpdate();
            ImportReport.Counts c = run.report.kind(KIND);
            c.created += added;
            c.unchanged += pending.size() - added;
        }
        pending.clear();
    }

    private static String fullName(Map<String, String> p) {
        String repo = p.getOrDefault("repository_name", p.get("repo_name"));
        String ns = p.get("namespace_name");
        return repo == null ? null : ns == null || repo.contains("/") ? repo : ns + "/" + repo;
    }

    /** The top-level scalars of the YAML: enough for names, never evaluated as Ruby objects. */
    static Map<String, String> parameters(String yaml) {
        Map<String, String> p = new HashMap<>();
        if (yaml != null) {
            Matcher m = PARAMETER.matcher(yaml);
            while (m.find()) {
                p.put(m.group(1), m.group(2).strip());
            }
        }
        return p;
    }
}
