package dev.portcullis.access.directory;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.access.AccountSource;
import dev.portcullis.access.Team;
import dev.portcullis.access.TeamMember;
import dev.portcullis.access.Teams;
import dev.portcullis.access.User;
import dev.portcullis.access.Users;
import dev.portcullis.access.policy.Role;
import dev.portcullis.config.Directory;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes directory and identity-provider accounts match what their source says: the account made at the first
 * sign-in (personal namespace included), its email and display name, its teams from its groups (both ways: only
 * memberships the groups made are taken away, never one an owner made by hand), admin from the admin group, and
 * disabled while the source no longer knows the person. Panache, in one transaction per person.
 */
@ApplicationScoped
public class DirectoryAccounts {

    private static final Logger LOG = Logger.getLogger(DirectoryAccounts.class);
    static final String ACTOR = "directory";

    @Inject
    Users users;

    @Inject
    Teams teams;

    @Inject
    PortcullisConfig config;

    @Inject
    Event<AccessChanged> changes;

    /**
     * The account of a person the source has just vouched for, made or brought up to date.
     *
     * @return its id; empty when the name here belongs to someone else (a local account, another source's, a team)
     */
    @Transactional
    public Optional<Long> signedIn(AccountSource source, DirectoryPerson person) {
        User user = User.findByUsername(person.username()).orElse(null);
        if (user == null) {
            try {
                user = users.createExternal(source, person.externalId(), person.username(), person.email(),
                        person.displayName());
            } catch (Refusal e) {
                LOG.warnf("%s person '%s' cannot sign in: %s", source.label(), person.username(), e.detail());
                return Optional.empty();
            }
        } else if (user.source != source) {
            LOG.warnf("%s person '%s' cannot sign in: the name belongs to a %s account here", source.label(),
                    person.username(), user.source.label());
            return Optional.empty();
        }
        update(user, person);
        return Optional.of(user.id);
    }

    /** At a sync: the person as the source shows them now. */
    @Transactional
    public void refresh(long userId, DirectoryPerson person) {
        User user = User.findById(userId);
        if (user != null) {
            update(user, person);
        }
    }

    /**
     * At a sync: the source no longer finds the person (gone, or left out by the user filter as disabled). They can
     * no longer sign in, their web sessions end, and their application and refresh tokens stop working while the
     * account is disabled (the token checks read the account's flag).
     */
    @Transactional
    public boolean gone(long userId) {
        User user = User.findById(userId);
        if (user == null || !user.enabled) {
            return false;
        }
        user.enabled = false;
        user.disabledByDirectory = true;
        user.sessionEpoch++;
        changes.fire(new AccessChanged("user.update", ACTOR, null, null, user.username,
                "disabled: no longer in the directory"));
        return true;
    }

    /** The source's accounts, id and name, for the sync. */
    @Transactional
    public List<Object[]> accounts(AccountSource source) {
        return User.getEntityManager().createQuery("select u.id, u.username from User u where u.source = ?1"
                + " order by u.id", Object[].class).setParameter(1, source).getResultList();
    }

    private void update(User user, DirectoryPerson person) {
        user.externalId = person.externalId();
        user.email = Users.validEmail(person.email());
        user.displayName = Users.validDisplayName(person.displayName());
        if (user.disabledByDirectory) {
            // Back in the directory: enabled again. An account an admin disabled here stays disabled.
            user.enabled = true;
            user.disabledByDirectory = false;
            changes.fire(new AccessChanged("user.update", ACTOR, null, null, user.username,
                    "enabled: back in the directory"));
        }
        Directory directory = config.directory();
        GroupTeams.admin(person.groups(), directory.adminGroup()).ifPresent(admin -> {
            if (user.admin != admin) {
                user.admin = admin;
                changes.fire(new AccessChanged("user.update", ACTOR, null, null, user.username,
                        admin ? "admin: in the admin group" : "not admin: left the admin group"));
            }
        });
        List<GroupTeams.Mapping> mappings = mappings(directory);
        Map<String, Role> wanted = GroupTeams.teamsOf(person.groups(), mappings);
        for (String teamName : GroupTeams.mappedTeams(mappings)) {
            membership(user, teamName, wanted.get(teamName));
        }
    }

    /** One mapped team: the person in it with the role their groups give, or out of it when they give none. */
    private void membership(User user, String teamName, Role role) {
        Team team = Team.findByName(teamName).orElse(null);
        TeamMember member = team == null ? null : TeamMember.of(team, user.username).orElse(null);
        if (role == null) {
            if (member != null && member.fromDirectory) {
                member.delete();
                changes.fire(new AccessChanged("member.remove", ACTOR, null, teamName, user.username,
                        "left the directory group"));
            }
            return;
        }
        if (member == null) {
            try {
                team = team == null ? teams.ensureForDirectory(teamName) : team;
            } catch (Refusal e) {
                LOG.warnf("directory team '%s' cannot be made: %s", teamName, e.detail());
                return;
            }
            member = new TeamMember();
            member.team = team;
            member.user = user;
            member.role = role;
            member.fromDirectory = true;
            member.persist();
            changes.fire(new AccessChanged("member.add", ACTOR, null, teamName, user.username,
                    role.name().toLowerCase()));
        } else if (member.fromDirectory && !Objects.equals(member.role, role)) {
            member.role = role;
            changes.fire(new AccessChanged("member.update", ACTOR, null, teamName, user.username,
                    role.name().toLowerCase()));
        }
    }

    static List<GroupTeams.Mapping> mappings(Directory directory) {
        return directory.teams().stream()
                .map(t -> new GroupTeams.Mapping(t.group(), t.team(), GroupTeams.role(t.role()))).toList();
    }
}
