package dev.portcullis.access.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.access.policy.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Groups to teams, one case per rule of {@link GroupTeams}. */
class GroupTeamsTest {

    static final List<GroupTeams.Mapping> MAPPINGS = List.of(
            new GroupTeams.Mapping("devs", "developers", Role.CONTRIBUTOR),
            new GroupTeams.Mapping("CN=Leads, OU=Groups,DC=example,DC=org", "developers", Role.OWNER),
            new GroupTeams.Mapping("/viewers", "readers", Role.VIEWER));

    static Set<String> groups(String... names) {
        return Set.of(java.util.Arrays.stream(names).map(GroupTeams::key).toArray(String[]::new));
    }

    @Test
    void aGroupByNameGivesItsTeamAndRole() {
        assertEquals(Map.of("developers", Role.CONTRIBUTOR), GroupTeams.teamsOf(groups("DEVS"), MAPPINGS));
    }

    @Test
    void aGroupByDnMatchesWhateverItsCaseAndSpacing() {
        assertEquals(Map.of("developers", Role.OWNER),
                GroupTeams.teamsOf(groups("cn=leads,ou=groups,dc=example,dc=org"), MAPPINGS));
    }

    @Test
    void theStrongestRoleOfSeveralGroupsWins() {
        assertEquals(Map.of("developers", Role.OWNER),
                GroupTeams.teamsOf(groups("devs", "cn=leads,ou=groups,dc=example,dc=org"), MAPPINGS));
    }

    @Test
    void keycloaksLeadingSlashIsIgnoredOnEitherSide() {
        assertEquals(Map.of("readers", Role.VIEWER), GroupTeams.teamsOf(groups("viewers"), MAPPINGS));
        assertEquals(Map.of("developers", Role.CONTRIBUTOR), GroupTeams.teamsOf(groups("/devs"), MAPPINGS));
    }

    @Test
    void noMappedGroupNoTeamButEveryMappedTeamIsTheDirectorys() {
        assertEquals(Map.of(), GroupTeams.teamsOf(groups("other"), MAPPINGS));
        assertEquals(Set.of("developers", "readers"), GroupTeams.mappedTeams(MAPPINGS));
    }

    @Test
    void theAdminGroupDecidesOnlyWhenItIsSet() {
        assertEquals(Optional.of(true), GroupTeams.admin(groups("Admins"), Optional.of("admins")));
        assertEquals(Optional.of(false), GroupTeams.admin(groups("devs"), Optional.of("admins")));
        assertEquals(Optional.empty(), GroupTeams.admin(groups("admins"), Optional.empty()));
    }

    @Test
    void rolesAreNamedInAnyCase() {
        assertEquals(Role.CONTRIBUTOR, GroupTeams.role(" Contributor "));
    }
}
