package dev.portcullis.portus;

import dev.portcullis.access.policy.Role;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Portus's teams and their members. Hidden teams stay behind: Portus made one per personal namespace (here the
 * namespace's owner is the user) and one for the global namespace (here admins own it). Roles as
 * app/models/team_user.rb numbers them: viewer 0, contributor 1, owner 2.
 */
final class TeamImport {

    static final String TEAMS = "teams";
    static final String MEMBERS = "members";
    private static final Role[] ROLES = {Role.VIEWER, Role.CONTRIBUTOR, Role.OWNER};

    private final ImportRun run;

    TeamImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read(TEAMS, "SELECT id, name, hidden, description, created_at FROM teams ORDER BY id", this::team);
        run.read(MEMBERS, "SELECT id, user_id, team_id, role FROM team_users ORDER BY id", this::member);
    }

    private void team(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String portusName = rs.getString("name");
        if (rs.getBoolean("hidden")) {
            run.mapping.record(TEAMS, id, null, "hidden");
            run.report.skipped(TEAMS);
            return;
        }
        String description = rs.getString("description");
        Long mapped = run.mapping.ours(TEAMS, id);
        if (mapped != null) {
            Object[] row = run.row("SELECT name, description FROM teams WHERE id = ?", mapped);
            if (row == null) {
                run.report.skipped(TEAMS);
                return;
            }
            run.teams.put(id, (String) row[0]);
            if (java.util.Objects.equals(row[1], description)) {
                run.report.unchanged(TEAMS);
            } else {
                run.update("UPDATE teams SET description = ? WHERE id = ?", description, mapped);
                run.report.changed(TEAMS);
            }
            return;
        }
        String name = Names.ours(portusName, 255);
        if (name == null) {
            skip(id, portusName, "the name breaks this registry's name grammar and cannot be repaired");
            return;
        }
        if (run.one("SELECT id FROM teams WHERE name = ?", name) != null
                || run.one("SELECT id FROM users WHERE username = ?", name) != null) {
            skip(id, portusName, "'" + name + "' is already a team or a user here");
            return;
        }
        if (!name.equals(portusName)) {
            run.report.conflict(TEAMS, portusName, "the name breaks this registry's name grammar",
                    "imported as '" + name + "'");
        }
        long ours = run.insert("INSERT INTO teams (name, description, created_at) VALUES (?, ?, ?)", name,
                description, ImportRun.time(rs, "created_at"));
        run.teams.put(id, name);
        run.mapping.record(TEAMS, id, ours, "created");
        run.report.created(TEAMS);
    }

    private void skip(long id, String portusName, String problem) throws SQLException {
        run.report.conflict(TEAMS, portusName, problem, "not imported: its namespaces come over without a team"
                + " (admins only); rename it here or in Portus and run the import again");
        run.mapping.record(TEAMS, id, null, "skipped");
        run.report.skipped(TEAMS);
    }

    private void member(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Long team = run.mapping.ours(TEAMS, rs.getLong("team_id"));
        Long user = run.mapping.ours(UserImport.KIND, rs.getLong("user_id"));
        int role = rs.getInt("role");
        if (team == null || user == null || role < 0 || role >= ROLES.length) {
            run.report.skipped(MEMBERS); // a hidden or skipped team, a skipped user
            return;
        }
        Object current = run.one("SELECT role FROM team_members WHERE team_id = ? AND user_id = ?", team, user);
        String wanted = ROLES[role].name();
        if (current == null) {
            run.insert("INSERT INTO team_members (team_id, user_id, role) VALUES (?, ?, ?)", team, user, wanted);
            run.mapping.record(MEMBERS, id, team, "created");
            run.report.created(MEMBERS);
        } else if (!run.mapping.has(MEMBERS, id)) {
            run.mapping.record(MEMBERS, id, team, "linked"); // a member already: the role here stays
            run.report.unchanged(MEMBERS);
        } else if (!wanted.equals(current)) {
            run.update("UPDATE team_members SET role = ? WHERE team_id = ? AND user_id = ?", wanted, team, user);
            run.report.changed(MEMBERS);
        } else {
            run.report.unchanged(MEMBERS);
        }
    }
}
