package dev.portcullis.access.directory;

import dev.portcullis.access.policy.Role;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which teams, with which role, a person's directory groups make, and whether they make an admin. Pure: the
 * mappings and the groups in, the memberships out. A group is named by its name (an LDAP {@code cn}, an OpenID
 * Connect groups claim's value, with or without Keycloak's leading {@code /}) or its DN, ignoring case; a person in
 * several groups of one team gets the strongest role of them.
 */
public final class GroupTeams {

    /** One mapping: members of {@code group} are members of {@code team} with {@code role}. */
    public record Mapping(String group, String team, Role role) {
    }

    private GroupTeams() {
    }

    /** The team → role the groups make; teams of the mappings that are not in it must lose the person. */
    public static Map<String, Role> teamsOf(Set<String> groups, List<Mapping> mappings) {
        Map<String, Role> teams = new LinkedHashMap<>();
        for (Mapping mapping : mappings) {
            if (isIn(groups, mapping.group())) {
                teams.merge(mapping.team(), mapping.role(), GroupTeams::stronger);
            }
        }
        return teams;
    }

    /** Every team some mapping names: the directory owns these memberships. */
    public static Set<String> mappedTeams(List<Mapping> mappings) {
        Set<String> teams = new LinkedHashSet<>();
        mappings.forEach(m -> teams.add(m.team()));
        return teams;
    }

    /** Whether the person is an admin here: empty when no admin group is set (admins are then made by hand). */
    public static Optional<Boolean> admin(Set<String> groups, Optional<String> adminGroup) {
        return adminGroup.map(group -> isIn(groups, group));
    }

    /** The form groups are kept in: lower-cased names and normalized DNs, without a leading {@code /}. */
    public static String key(String group) {
        String trimmed = group.trim();
        if (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.contains("=") ? LdapDirectory.normalizedDn(trimmed) : trimmed.toLowerCase(Locale.ROOT);
    }

    static boolean isIn(Set<String> groups, String group) {
        return groups.contains(key(group));
    }

    /** The role that allows more: owner, then contributor, then viewer. */
    static Role stronger(Role a, Role b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    /** A role as the settings name it. */
    public static Role role(String name) {
        try {
            return Role.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("portcullis.directory.teams: role must be owner, contributor or viewer, not '"
                    + name + "'");
        }
    }
}
