package dev.portcullis.portus;

import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Visibility;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Portus's namespaces: the global one becomes ours ({@code _global}); a personal one (linked from users.namespace_id)
 * becomes its user's; a team's keeps its team; one whose team stayed behind (Portus's orphans, owned by the hidden
 * global team) is left to admins. Visibility as app/models/namespace.rb numbers it: private 0, protected 1, public 2.
 */
final class NamespaceImport {

    static final String KIND = "namespaces";
    private static final Visibility[] VISIBILITIES = {Visibility.PRIVATE, Visibility.PROTECTED, Visibility.PUBLIC};

    private final ImportRun run;

    NamespaceImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read(KIND, "SELECT id, name, team_id, global, description, visibility, created_at FROM namespaces"
                + " ORDER BY id", this::namespace);
    }

    private void namespace(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String name = rs.getString("name");
        boolean global = rs.getBoolean("global");
        int v = rs.getInt("visibility");
        Visibility visibility = v >= 0 && v < VISIBILITIES.length ? VISIBILITIES[v] : Visibility.PRIVATE;
        String description = rs.getString("description");
        Long portusOwner = run.personalNamespaces.get(id);
        if (global) {
            // Portus refuses a private global namespace too; a damaged row keeps ours as it is.
            Long ours = ((Number) run.one("SELECT id FROM namespaces WHERE kind = 'GLOBAL'")).longValue();
            run.namespaces.put(id, NamespaceFacts.GLOBAL_NAME);
            settle(id, ours, visibility == Visibility.PRIVATE ? null : visibility, description, "linked");
            return;
        }
        if ("portus".equals(name) && portusOwner != null) { // the internal user's, hidden by Portus too
            skip(id, name, null);
            return;
        }
        if (!RepositoryName.isComponent(name)) {
            skip(id, name, "the name breaks this registry's name grammar");
            return;
        }
        Object[] existing = run.row("SELECT id, kind, owner_user_id FROM namespaces WHERE name = ?", name);
        Long mapped = run.mapping.ours(KIND, id);
        if (mapped != null || existing != null && personalOf(existing, portusOwner)) {
            long ours = mapped != null ? mapped : ((Number) existing[0]).longValue();
            run.namespaces.put(id, name);
            settle(id, ours, visibility, description, mapped != null ? run.mapping.outcome(KIND, id) : "created");
            return;
        }
        if (existing != null) {
            run.report.conflict(KIND, name, "a namespace '" + name + "' exists here",
                    "linked to it: its repositories come over into it; its owner and visibility here are kept");
            run.namespaces.put(id, name);
            run.mapping.record(KIND, id, ((Number) existing[0]).longValue(), "linked");
            run.report.unchanged(KIND);
            return;
        }
        Long ownerUser = portusOwner == null ? null : run.mapping.ours(UserImport.KIND, portusOwner);
        Long team = portusOwner != null ? null : run.mapping.ours(TeamImport.TEAMS, rs.getLong("team_id"));
        if (portusOwner != null && ownerUser == null) {
            run.report.conflict(KIND, name, "its user did not come over",
                    "imported without an owner: admins only, until an admin moves it to a team");
        } else if (portusOwner == null && team == null
                && "skipped".equals(run.mapping.outcome(TeamImport.TEAMS, rs.getLong("team_id")))) {
            run.report.conflict(KIND, name, "its team did not come over",
                    "imported without a team: admins only, until an admin moves it to a team");
        }
        String kind = ownerUser != null ? "PERSONAL" : "TEAM";
        long ours = run.insert("""
                INSERT INTO namespaces (name, kind, owner_user_id, team_id, visibility, description, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", name, kind, ownerUser, team, visibility.name(), description,
                ImportRun.time(rs, "created_at"));
        run.namespaces.put(id, name);
        run.mapping.record(KIND, id, ours, "created");
        run.report.created(KIND);
    }

    /** Our personal namespace that the user import made for this Portus personal namespace's user. */
    private boolean personalOf(Object[] existing, Long portusOwner) {
        Long ownerUser = portusOwner == null ? null : run.mapping.ours(UserImport.KIND, portusOwner);
        return ownerUser != null && "PERSONAL".equals(existing[1]) && existing[2] != null
                && ((Number) existing[2]).longValue() == ownerUser
                && !"linked".equals(run.mapping.outcome(UserImport.KIND, portusOwner));
    }

    /**
     * A namespace of ours that stands for this one: Portus's visibility and description, unless it was linked
     * (then ours stay). A null visibility leaves ours.
     */
    private void settle(long id, long ours, Visibility visibility, String description, String outcome)
            throws SQLException {
        boolean first = !run.mapping.has(KIND, id);
        run.mapping.record(KIND, id, ours, outcome);
        if ("linked".equals(outcome) && !first && visibility == null) {
            run.report.unchanged(KIND);
            return;
        }
        Object[] row = run.row("SELECT visibility, description FROM namespaces WHERE id = ?", ours);
        String wantedVisibility = visibility == null ? (String) row[0] : visibility.name();
        String wantedDescription = description == null ? (String) row[1] : description;
        if (row[0].equals(wantedVisibility) && Objects.equals(row[1], wantedDescription)) {
            if (first && !"linked".equals(outcome)) {
                run.report.created(KIND);
            } else {
                run.report.unchanged(KIND);
            }
            return;
        }
        run.update("UPDATE namespaces SET visibility = ?, description = ? WHERE id = ?", wantedVisibility,
                wantedDescription, ours);
        if (first && !"linked".equals(outcome)) {
            run.report.created(KIND);
        } else {
            run.report.changed(KIND);
        }
    }

    private void skip(long id, String name, String problem) throws SQLException {
        if (problem != null) {
            run.report.conflict(KIND, name, problem, "not imported, nor its repositories");
        }
        run.mapping.record(KIND, id, null, "skipped");
        run.report.skipped(KIND);
    }
}
