package dev.portcullis.access;

import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Role;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Teams and their members; who may do what is asked of {@link ManagementPolicy}. */
@ApplicationScoped
public class Teams {

    public static final Set<String> PATCHABLE = Set.of("description");

    /** Names per answer of {@link #candidates}. */
    public static final int CANDIDATES = 10;

    /** Shorter prefixes find nobody in {@link #candidates}. */
    public static final int CANDIDATE_PREFIX = 2;

    private static final Pattern NAME_PREFIX = Pattern.compile("[a-z0-9._-]+");

    @Inject
    AccessService access;

    @Inject
    Event<AccessChanged> changes;

    /** A team, its owner (the creator) and, when the name is free, its namespace of the same name. */
    @Transactional
    public Team create(Subject actor, String name, String description) {
        if (!ManagementPolicy.mayCreateTeam(actor, access.settings())) {
            throw Refusal.forbidden("creating teams is not allowed for " + actor.name());
        }
        if (!RepositoryName.isComponent(name) || name.length() > 255) {
            throw Refusal.invalid("team names follow the registry's name grammar: lowercase letters"
                    + " and digits separated by '.', '_', '__' or '-'");
        }
        checkDescription(description);
        if (Team.findByName(name).isPresent()) {
            throw Refusal.conflict("a team named '" + name + "' exists");
        }
        Team team = new Team();
        team.name = name;
        team.description = description;
        team.persist();
        TeamMember owner = new TeamMember();
        owner.team = team;
        owner.user = User.findByUsername(actor.name()).orElseThrow();
        owner.role = Role.OWNER;
        owner.persist();
        if (Namespace.findByName(name).isEmpty() && User.findByUsername(name).isEmpty()) {
            Namespace.ofTeam(name, team, Visibility.PRIVATE, description).persist();
        }
        Team.flush();
        changes.fire(new AccessChanged("team.create", actor.name(), null, name, null, null));
        return team;
    }

    /**
     * The team a directory group maps to, made at the first sync or sign-in that needs it: no owner (the directory
     * names its members, admins manage it), and its namespace of the same name when that name is free.
     */
    @Transactional
    public Team ensureForDirectory(String name) {
        Team existing = Team.findByName(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        if (!RepositoryName.isComponent(name) || name.length() > 255 || User.findByUsername(name).isPresent()) {
            throw Refusal.invalid("the directory's team '" + name + "' is outside the name grammar or taken by a user");
        }
        Team team = new Team();
        team.name = name;
        team.persist();
        if (Namespace.findByName(name).isEmpty()) {
            Namespace.ofTeam(name, team, Visibility.PRIVATE, null).persist();
        }
        Team.flush();
        changes.fire(new AccessChanged("team.create", "directory", null, name, null, "for a directory group"));
        return team;
    }

    /** A team the subject may see: 404 for the others, so team names do not leak. */
    @Transactional
    public Team visible(Subject subject, String name) {
        Team team = Team.findByName(name).orElse(null);
        if (team == null || !ManagementPolicy.maySeeTeam(subject, TeamMember.roleOf(team, subject.name()))) {
            throw Refusal.notFound("no team '" + name + "'");
        }
        return team;
    }

    /** A team the subject may manage: 404 when it may not see it, 403 when it may only see it. */
    @Transactional
    public Team managed(Subject subject, String name) {
        Team team = visible(subject, name);
        if (!ManagementPolicy.mayManageTeam(subject, TeamMember.roleOf(team, subject.name()))) {
            throw Refusal.forbidden("only owners of team '" + name + "' and admins may change it");
        }
        return team;
    }

    @Transactional
    public Pagination.Page<Team> list(Subject subject, String afterName, int limit) {
        if (!ManagementPolicy.maySeeTeam(subject, Role.VIEWER)) {
            return new Pagination.Page<>(List.of(), null); // a token limited to namespaces sees no team
        }
        List<Team> rows = ManagementPolicy.actsAsAdmin(subject)
                ? Team.find("name > ?1 order by name", afterName).page(0, limit + 1).list()
                : Team.find("select m.team from TeamMember m where m.user.username = ?1 and m.team.name > ?2"
                        + " order by m.team.name", subject.name(), afterName).page(0, limit + 1).list();
        return Pagination.page(rows, limit, t -> t.name);
    }

    @Transactional
    public Team update(Subject actor, String name, MergePatch patch) {
        Team team = managed(actor, name);
        if (patch.has("description")) {
            checkDescription(patch.text("description"));
            team.description = patch.text("description");
        }
        changes.fire(new AccessChanged("team.update", actor.name(), null, name, null, "description"));
        return team;
    }

    /**
     * Deletes a team. Its namespaces move to {@code namespacesTo} when given (the caller must own that team
     * too); otherwise a team that still owns namespaces is not deleted.
     */
    @Transactional
    public void delete(Subject actor, String name, String namespacesTo) {
        Team team = managed(actor, name);
        List<Namespace> owned = Namespace.list("team", team);
        if (!owned.isEmpty()) {
            if (namespacesTo == null) {
                throw Refusal.conflict("team '" + name + "' owns namespaces "
                        + owned.stream().map(n -> n.name).toList()
                        + ": pass namespacesTo=<team> to move them, or delete them first");
            }
            if (namespacesTo.equals(name)) {
                throw Refusal.invalid("namespacesTo must be another team");
            }
            Team target = managed(actor, namespacesTo);
            for (Namespace ns : owned) {
                ns.team = target;
                changes.fire(new AccessChanged("namespace.move", actor.name(), ns.name, namespacesTo, null,
                        "from team " + name));
            }
        }
        // Entity deletes, not a bulk delete: the caller's own membership is managed in this session and would
        // still point at the deleted team when the next query flushes.
        TeamMember.<TeamMember>list("team", team).forEach(TeamMember::delete);
        team.delete();
        changes.fire(new AccessChanged("team.delete", actor.name(), null, name, null, null));
    }

    @Transactional
    public Pagination.Page<TeamMember> members(Subject subject, String teamName, String afterUsername, int limit) {
        Team team = visible(subject, teamName);
        List<TeamMember> rows = TeamMember.find("team = ?1 and user.username > ?2 order by user.username", team,
                afterUsername).page(0, limit + 1).list();
        return Pagination.page(rows, limit, m -> m.user.username);
    }

    /** The namespaces a team owns, for whoever may see the team. */
    @Transactional
    public List<Namespace> namespaces(Subject subject, String teamName) {
        return Namespace.list("team = ?1 order by name", visible(subject, teamName));
    }

    @Transactional
    public TeamMember addMember(Subject actor, String teamName, String username, Role role) {
        Team team = managed(actor, teamName);
        if (role == null) {
            throw Refusal.invalid("role must be one of owner, contributor, viewer");
        }
        User user = User.findByUsername(username)
                .orElseThrow(() -> Refusal.invalid("no user '" + username + "'"));
        if (TeamMember.of(team, username).isPresent()) {
            throw Refusal.conflict(username + " is already a member of team '" + teamName + "'");
        }
        TeamMember member = new TeamMember();
        member.team = team;
        member.user = user;
        member.role = role;
        member.persist();
        TeamMember.flush();
        changes.fire(new AccessChanged("member.add", actor.name(), null, teamName, username, role.name().toLowerCase()));
        return member;
    }

    /**
     * Accounts that could join the team, for the add-member field's suggestions: enabled accounts, bots included
     * (they can be members), not yet members, whose name starts with {@code prefix}; at most {@value #CANDIDATES}.
     *
     * <p>Privacy: this tells which account names exist, which the add-member form tells too, one name per try. Only
     * those who may manage the team (its owners, admins) may ask; it answers names only, never emails or display
     * names; it needs a prefix of at least {@value #CANDIDATE_PREFIX} characters and answers ten names at most, so
     * that it is no directory to page through. Where anyone may create a team, anyone signed in may ask: account
     * names are not secret here (each one names a personal namespace); emails are.
     */
    @Transactional
    public List<String> candidates(Subject subject, String teamName, String prefix) {
        Team team = managed(subject, teamName);
        String start = prefix == null ? "" : prefix.trim().toLowerCase(Locale.ROOT);
        if (start.length() < CANDIDATE_PREFIX || start.length() > Users.MAX_USERNAME
                || !NAME_PREFIX.matcher(start).matches()) {
            return List.of();
        }
        // '_' matches any character in LIKE: escaped (with '!', as a backslash means something else to MariaDB).
        return Team.getEntityManager().createQuery("select u.username from User u where u.username like ?1"
                + " escape '!' and u.enabled = true and not exists (select m.id from TeamMember m where m.team = ?2"
                + " and m.user = u) order by u.username", String.class)
                .setParameter(1, start.replace("_", "!_") + "%").setParameter(2, team)
                .setMaxResults(CANDIDATES).getResultList();
    }

    @Transactional
    public TeamMember changeRole(Subject actor, String teamName, String username, Role role) {
        Team team = managed(actor, teamName);
        if (role == null) {
            throw Refusal.invalid("role must be one of owner, contributor, viewer");
        }
        TeamMember member = TeamMember.of(team, username)
                .orElseThrow(() -> Refusal.notFound(username + " is not a member of team '" + teamName + "'"));
        if (member.role == Role.OWNER && role != Role.OWNER && TeamMember.owners(team) == 1) {
            throw Refusal.conflict(username + " is the last owner of team '" + teamName + "'");
        }
        member.role = role;
        changes.fire(new AccessChanged("member.update", actor.name(), null, teamName, username,
                role.name().toLowerCase()));
        return member;
    }

    /** Owners remove members; every member may leave, except the last owner. */
    @Transactional
    public void removeMember(Subject actor, String teamName, String username) {
        Team team;
        if (actor.name().equals(username)) {
            team = visible(actor, teamName);
            if (!ManagementPolicy.mayLeaveTeam(actor, TeamMember.roleOf(team, actor.name()))) {
                throw Refusal.forbidden("this token may not change memberships");
            }
        } else {
            team = managed(actor, teamName);
        }
        TeamMember member = TeamMember.of(team, username)
                .orElseThrow(() -> Refusal.notFound(username + " is not a member of team '" + teamName + "'"));
        if (member.role == Role.OWNER && TeamMember.owners(team) == 1) {
            throw Refusal.conflict(username + " is the last owner of team '" + teamName + "'");
        }
        member.delete();
        changes.fire(new AccessChanged("member.remove", actor.name(), null, teamName, username, null));
    }

    static void checkDescription(String description) {
        if (description != null && description.length() > 10_000) {
            throw Refusal.invalid("description is longer than 10,000 characters");
        }
    }
}
