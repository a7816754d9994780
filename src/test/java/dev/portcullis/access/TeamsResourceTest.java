package dev.portcullis.access;

import static dev.portcullis.access.AccessApi.MERGE_PATCH;
import static dev.portcullis.access.AccessApi.activities;
import static dev.portcullis.access.AccessApi.addMember;
import static dev.portcullis.access.AccessApi.all;
import static dev.portcullis.access.AccessApi.anonymous;
import static dev.portcullis.access.AccessApi.as;
import static dev.portcullis.access.AccessApi.asAdmin;
import static dev.portcullis.access.AccessApi.createTeam;
import static dev.portcullis.access.AccessApi.granted;
import static dev.portcullis.access.AccessApi.grantedWithPassword;
import static dev.portcullis.access.AccessApi.names;
import static dev.portcullis.access.AccessApi.patch;
import static dev.portcullis.access.AccessApi.problem;
import static dev.portcullis.access.AccessApi.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TeamsResourceTest {

    static final List<String> ALL_ACTIONS = List.of("pull", "push", "delete");

    /** Shared accounts; each test makes its own teams, so tests do not depend on each other. */
    static String owner;
    static String member;
    static String other;
    static String outsider;

    @BeforeEach
    void users() {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (owner == null) {
            owner = TestUsers.create("owner");
            member = TestUsers.create("member");
            other = TestUsers.create("other");
            outsider = TestUsers.create("outsider");
        }
    }

    static String teamPath(String team) {
        return "/api/v1/teams/" + team;
    }

    static String memberPath(String team, String user) {
        return "/api/v1/teams/" + team + "/members/" + user;
    }

    static String repo(String namespace) {
        return "repository:" + namespace + "/app:pull,push,delete";
    }

    /** username → role, as {@code caller} sees the team's members. */
    static Map<String, String> roles(String caller, String team) {
        List<Map<String, String>> members = as(caller).get(teamPath(team) + "/members")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return members.stream().collect(Collectors.toMap(m -> m.get("username"), m -> m.get("role")));
    }

    // --- create ---------------------------------------------------------------------------------------------

    @Test
    void creatingATeamCreatesItsNamespaceWithTheCreatorAsOwner() {
        String team = unique("team");
        Map<String, Object> created = as(owner).body(Map.of("name", team, "description", "the build team"))
                .post("/api/v1/teams")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/teams/" + team))
                .body("name", equalTo(team))
                .body("description", equalTo("the build team"))
                .extract().jsonPath().getMap("$");

        assertEquals(Map.of(owner, "owner"), roles(owner, team));
        as(owner).get("/api/v1/namespaces/{ns}", team).then().statusCode(200)
                .body("kind", equalTo("team"))
                .body("team", equalTo(team))
                .body("visibility", equalTo("private"))
                .body("role", equalTo("owner"));
        assertEquals(ALL_ACTIONS, grantedWithPassword(owner, repo(team)));
        assertEquals(ALL_ACTIONS, granted(owner, repo(team)));
        assertEquals(List.of(), grantedWithPassword(outsider, repo(team)));
        assertEquals(as(owner).get(teamPath(team)).then().statusCode(200).extract().jsonPath().getMap("$"), created,
                "the 201 body is the team as GET shows it, createdAt included");
    }

    @Test
    void aTeamNamedLikeAUserLeavesTheUsersNamespaceAlone() {
        String user = TestUsers.create("namesake");
        as(owner).body(Map.of("name", user)).post("/api/v1/teams").then().statusCode(201);

        as(user).get("/api/v1/namespaces/{ns}", user).then().statusCode(200)
                .body("kind", equalTo("personal"))
                .body("owner", equalTo(user));
        assertEquals(List.of(), granted(owner, repo(user)), "the team's owner gains nothing in the user's namespace");
        assertEquals(ALL_ACTIONS, granted(user, repo(user)));
    }

    @Test
    void creatingNeedsCredentialsAValidNameAndAFreeOne() {
        problem(anonymous().body(Map.of("name", unique("team"))).post("/api/v1/teams"), 401);

        for (String bad : new String[] {"Team", "a/b", "-team", "team-", "te..am", "", "_global", "a".repeat(256)}) {
            problem(as(owner).body(Map.of("name", bad)).post("/api/v1/teams"), 422)
                    .body("detail", containsString("grammar"));
        }
        problem(as(owner).body(Map.of("description", "no name")).post("/api/v1/teams"), 422)
                .body("detail", containsString("name"));
        problem(as(owner).body(Map.of("name", unique("team"), "description", "x".repeat(10_001)))
                .post("/api/v1/teams"), 422);
        problem(as(owner).body("{\"name\":").post("/api/v1/teams"), 400);

        String team = createTeam(owner);
        problem(as(outsider).body(Map.of("name", team)).post("/api/v1/teams"), 409)
                .body("detail", containsString(team));
        assertEquals(Map.of(owner, "owner"), roles(owner, team), "the refused duplicate changed nothing");
    }

    // --- show and list --------------------------------------------------------------------------------------

    @Test
    void membersAndAdminsSeeATeamOthersGetNotFound() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");

        for (String caller : List.of(owner, member, TestUsers.ADMIN)) {
            as(caller).get(teamPath(team)).then().statusCode(200).body("name", equalTo(team));
        }
        problem(as(outsider).get(teamPath(team)), 404).body("detail", containsString("no team"));
        problem(asAdmin().get(teamPath(unique("team"))), 404);
        problem(anonymous().get(teamPath(team)), 401);
    }

    @Test
    void usersListTheirOwnTeamsPageByPageAndAdminsListAll() {
        String lister = TestUsers.create("lister");
        List<String> mine = List.of(createTeam(lister), createTeam(lister), createTeam(lister));
        String joined = createTeam(owner);
        addMember(joined, owner, lister, "viewer");
        String notMine = createTeam(owner);

        JsonPath first = as(lister).queryParam("limit", 2).get("/api/v1/teams")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(2, first.getList("items").size());
        assertNotNull(first.getString("next"), "a full page has a next cursor");
        JsonPath second = as(lister).queryParam("limit", 2).queryParam("cursor", first.getString("next"))
                .get("/api/v1/teams").then().statusCode(200).extract().jsonPath();
        assertEquals(2, second.getList("items").size());
        assertNull(second.getString("next"), "the last page has no next cursor");

        List<String> listed = new ArrayList<>(first.getList("items.name", String.class));
        listed.addAll(second.getList("items.name", String.class));
        List<String> expected = new ArrayList<>(mine);
        expected.add(joined);
        assertEquals(expected.stream().sorted().toList(), listed, "exactly the caller's teams, in name order");

        List<String> everything = names(all(TestUsers.ADMIN, "/api/v1/teams", 200));
        assertTrue(everything.containsAll(expected) && everything.contains(notMine), "admins list every team");
        assertEquals(everything.stream().sorted().toList(), everything);
    }

    @Test
    void listParametersAreChecked() {
        problem(as(owner).queryParam("limit", 0).get("/api/v1/teams"), 400);
        problem(as(owner).queryParam("limit", 201).get("/api/v1/teams"), 400);
        problem(as(owner).queryParam("cursor", "not a cursor!").get("/api/v1/teams"), 400);
        problem(anonymous().get("/api/v1/teams"), 401);
    }

    // --- update ---------------------------------------------------------------------------------------------

    @Test
    void ownersChangeTheDescriptionWithAMergePatch() {
        String team = createTeam(owner);

        patch(as(owner), MERGE_PATCH, "{\"description\":\"first\"}", teamPath(team))
                .then().statusCode(200).body("name", equalTo(team)).body("description", equalTo("first"));
        patch(as(owner), "application/json", "{\"description\":\"second\"}", teamPath(team))
                .then().statusCode(200).body("description", equalTo("second"));
        as(owner).get(teamPath(team)).then().statusCode(200).body("description", equalTo("second"));

        patch(as(owner), MERGE_PATCH, "{}", teamPath(team))
                .then().statusCode(200).body("description", equalTo("second"));
        patch(as(owner), MERGE_PATCH, "{\"description\":null}", teamPath(team))
                .then().statusCode(200).body("description", nullValue());
    }

    @Test
    void updatesAreRefusedToOthersAndForUnknownFields() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");

        problem(patch(as(owner), MERGE_PATCH, "{\"name\":\"renamed\"}", teamPath(team)), 422)
                .body("detail", containsString("'name' cannot be changed"));
        problem(patch(as(owner), MERGE_PATCH, "{\"description\":\"ok\",\"createdAt\":null}", teamPath(team)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"description\":42}", teamPath(team)), 422);
        problem(patch(as(owner), MERGE_PATCH, "[\"description\"]", teamPath(team)), 400);
        problem(patch(as(member), MERGE_PATCH, "{\"description\":\"mine now\"}", teamPath(team)), 403);
        problem(patch(as(outsider), MERGE_PATCH, "{\"description\":\"mine now\"}", teamPath(team)), 404);
        problem(patch(anonymous(), MERGE_PATCH, "{\"description\":\"mine now\"}", teamPath(team)), 401);
        problem(patch(as(owner), "text/plain", "description=x", teamPath(team)), 415);

        as(owner).get(teamPath(team)).then().statusCode(200).body("description", nullValue());
    }

    // --- delete ---------------------------------------------------------------------------------------------

    @Test
    void aTeamOwningNamespacesIsDeletedOnlyWithATeamToTakeThem() {
        String team = createTeam(owner);
        String heir = createTeam(owner);
        addMember(team, owner, member, "contributor");
        addMember(heir, owner, other, "viewer");
        assertEquals(List.of("pull", "push"), granted(member, repo(team)));
        assertEquals(List.of(), granted(other, repo(team)));

        problem(as(owner).delete(teamPath(team)), 409)
                .body("detail", containsString(team))
                .body("detail", containsString("namespacesTo"));
        problem(as(owner).queryParam("namespacesTo", team).delete(teamPath(team)), 422);
        problem(as(owner).queryParam("namespacesTo", unique("team")).delete(teamPath(team)), 404);
        problem(as(member).queryParam("namespacesTo", heir).delete(teamPath(team)), 403);
        problem(as(outsider).queryParam("namespacesTo", heir).delete(teamPath(team)), 404);
        problem(anonymous().queryParam("namespacesTo", heir).delete(teamPath(team)), 401);
        as(owner).get(teamPath(team)).then().statusCode(200);

        as(owner).queryParam("namespacesTo", heir).delete(teamPath(team)).then().statusCode(204);

        problem(as(owner).get(teamPath(team)), 404);
        problem(as(member).get(teamPath(team)), 404);
        as(owner).get("/api/v1/namespaces/{ns}", team).then().statusCode(200).body("team", equalTo(heir));
        assertEquals(List.of(), granted(member, repo(team)), "members of the deleted team lose their rights");
        assertEquals(List.of("pull"), granted(other, repo(team)), "members of the heir gain theirs");
        assertEquals(ALL_ACTIONS, granted(owner, repo(team)));
    }

    @Test
    void adminsDeleteAnyTeam() {
        String team = createTeam(owner);
        String heir = createTeam(other);
        addMember(team, owner, member, "viewer");

        asAdmin().queryParam("namespacesTo", heir).delete(teamPath(team)).then().statusCode(204);

        problem(asAdmin().get(teamPath(team)), 404);
        asAdmin().get("/api/v1/namespaces/{ns}", team).then().statusCode(200).body("team", equalTo(heir));
        assertEquals(ALL_ACTIONS, granted(other, repo(team)));
        assertEquals(List.of(), granted(owner, repo(team)));
        assertEquals(List.of(), granted(member, repo(team)));
    }

    @Test
    void theHeirMustBeATeamTheCallerOwnsToo() {
        String team = createTeam(owner);
        String othersTeam = createTeam(other);
        addMember(othersTeam, other, owner, "contributor");

        problem(as(owner).queryParam("namespacesTo", othersTeam).delete(teamPath(team)), 403);
        as(owner).get(teamPath(team)).then().statusCode(200);
        as(owner).get("/api/v1/namespaces/{ns}", team).then().statusCode(200).body("team", equalTo(team));
    }

    @Test
    void aTeamWithoutNamespacesIsDeletedOutright() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");
        as(owner).delete("/api/v1/namespaces/{ns}", team).then().statusCode(204);

        as(owner).delete(teamPath(team)).then().statusCode(204);

        problem(as(owner).get(teamPath(team)), 404);
        problem(as(owner).delete(teamPath(team)), 404);
        assertFalse(names(all(member, "/api/v1/teams", 200)).contains(team));
        as(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        assertEquals(Map.of(owner, "owner"), roles(owner, team), "a new team of that name starts afresh");
    }

    // --- members --------------------------------------------------------------------------------------------

    @Test
    void ownersAddMembersWhoGetTheirRolesRights() {
        String team = createTeam(owner);

        as(owner).body(Map.of("username", member, "role", "contributor")).post(teamPath(team) + "/members")
                .then().statusCode(201)
                .header("Location", endsWith(memberPath(team, member)))
                .body("username", equalTo(member))
                .body("role", equalTo("contributor"));
        as(owner).body(Map.of("username", other, "role", "viewer")).post(teamPath(team) + "/members")
                .then().statusCode(201).body("role", equalTo("viewer"));

        assertEquals(List.of("pull", "push"), granted(member, repo(team)));
        assertEquals(List.of("pull"), granted(other, repo(team)));
        assertEquals(List.of(), granted(outsider, repo(team)));
        Map<String, String> expected = Map.of(owner, "owner", member, "contributor", other, "viewer");
        assertEquals(expected, roles(owner, team));
        assertEquals(expected, roles(other, team), "every member sees the members");
        assertEquals(expected, roles(TestUsers.ADMIN, team));
        problem(as(outsider).get(teamPath(team) + "/members"), 404);
        problem(anonymous().get(teamPath(team) + "/members"), 401);
    }

    @Test
    void addingMembersIsRefusedClearly() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String members = teamPath(team) + "/members";

        problem(as(owner).body(Map.of("username", member, "role", "viewer")).post(members), 409)
                .body("detail", containsString("already a member"));
        problem(as(owner).body(Map.of("username", unique("nobody"), "role", "viewer")).post(members), 422)
                .body("detail", containsString("no user"));
        problem(as(owner).body(Map.of("username", other, "role", "admin")).post(members), 422)
                .body("detail", containsString("role"));
        problem(as(owner).body(Map.of("username", other)).post(members), 422);
        problem(as(owner).body(Map.of("role", "viewer")).post(members), 422);
        problem(as(member).body(Map.of("username", other, "role", "viewer")).post(members), 403);
        problem(as(outsider).body(Map.of("username", outsider, "role", "owner")).post(members), 404);
        problem(anonymous().body(Map.of("username", other, "role", "viewer")).post(members), 401);
        problem(as(owner).body(Map.of("username", other, "role", "viewer"))
                .post(teamPath(unique("team")) + "/members"), 404);

        assertEquals(Map.of(owner, "owner", member, "contributor"), roles(owner, team));
        assertEquals(List.of(), granted(outsider, repo(team)));
    }

    @Test
    void ownersChangeRolesAndRightsFollow() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");
        assertEquals(List.of("pull"), granted(member, repo(team)));

        patch(as(owner), MERGE_PATCH, "{\"role\":\"contributor\"}", memberPath(team, member))
                .then().statusCode(200).body("username", equalTo(member)).body("role", equalTo("contributor"));
        assertEquals(List.of("pull", "push"), granted(member, repo(team)));

        patch(as(owner), "application/json", "{\"role\":\"owner\"}", memberPath(team, member))
                .then().statusCode(200).body("role", equalTo("owner"));
        assertEquals(ALL_ACTIONS, granted(member, repo(team)));
        addMember(team, member, other, "viewer"); // a new owner manages the team

        patch(as(member), MERGE_PATCH, "{\"role\":\"viewer\"}", memberPath(team, owner))
                .then().statusCode(200).body("role", equalTo("viewer"));
        assertEquals(List.of("pull"), granted(owner, repo(team)));
        assertEquals(Map.of(owner, "viewer", member, "owner", other, "viewer"), roles(member, team));
    }

    @Test
    void changingRolesIsRefusedClearly() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        addMember(team, owner, other, "viewer");

        problem(patch(as(owner), MERGE_PATCH, "{\"role\":\"superuser\"}", memberPath(team, member)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{}", memberPath(team, member)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"role\":\"viewer\",\"username\":\"x\"}", memberPath(team, member)),
                422).body("detail", containsString("'username' cannot be changed"));
        problem(patch(as(owner), MERGE_PATCH, "{\"role\":\"viewer\"}", memberPath(team, outsider)), 404);
        problem(patch(as(member), MERGE_PATCH, "{\"role\":\"owner\"}", memberPath(team, member)), 403);
        problem(patch(as(other), MERGE_PATCH, "{\"role\":\"owner\"}", memberPath(team, other)), 403);
        problem(patch(as(outsider), MERGE_PATCH, "{\"role\":\"viewer\"}", memberPath(team, member)), 404);
        problem(patch(anonymous(), MERGE_PATCH, "{\"role\":\"viewer\"}", memberPath(team, member)), 401);

        assertEquals(Map.of(owner, "owner", member, "contributor", other, "viewer"), roles(owner, team));
    }

    @Test
    void removingAMemberRemovesTheirRights() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        assertEquals(List.of("pull", "push"), granted(member, repo(team)));

        as(owner).delete(memberPath(team, member)).then().statusCode(204);

        assertEquals(List.of(), granted(member, repo(team)));
        problem(as(member).get(teamPath(team)), 404);
        assertEquals(Map.of(owner, "owner"), roles(owner, team));
        problem(as(owner).delete(memberPath(team, member)), 404);
    }

    @Test
    void membersMayLeaveButNotRemoveOthers() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        addMember(team, owner, other, "viewer");

        problem(as(member).delete(memberPath(team, other)), 403);
        problem(as(outsider).delete(memberPath(team, other)), 404);
        problem(as(outsider).delete(memberPath(team, outsider)), 404);
        problem(anonymous().delete(memberPath(team, other)), 401);
        assertEquals(List.of("pull"), granted(other, repo(team)));

        as(other).delete(memberPath(team, other)).then().statusCode(204);

        assertEquals(List.of(), granted(other, repo(team)));
        assertEquals(Map.of(owner, "owner", member, "contributor"), roles(owner, team));
    }

    @Test
    void theLastOwnerCannotBeDemotedRemovedOrLeave() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");

        problem(patch(as(owner), MERGE_PATCH, "{\"role\":\"contributor\"}", memberPath(team, owner)), 409)
                .body("detail", containsString("last owner"));
        problem(as(owner).delete(memberPath(team, owner)), 409).body("detail", containsString("last owner"));
        problem(asAdmin().delete(memberPath(team, owner)), 409);
        problem(patch(asAdmin(), MERGE_PATCH, "{\"role\":\"viewer\"}", memberPath(team, owner)), 409);
        assertEquals(ALL_ACTIONS, granted(owner, repo(team)));

        patch(as(owner), MERGE_PATCH, "{\"role\":\"owner\"}", memberPath(team, member)).then().statusCode(200);
        as(owner).delete(memberPath(team, owner)).then().statusCode(204);

        assertEquals(Map.of(member, "owner"), roles(member, team));
        assertEquals(List.of(), granted(owner, repo(team)));
    }

    // --- activities -----------------------------------------------------------------------------------------

    /** The activities of {@code action} about {@code team} that {@code user} sees. */
    static List<Map<String, Object>> teamActivities(String user, String action, String team) {
        return activities(user, action).stream().filter(a -> team.equals(a.get("team"))).toList();
    }

    @Test
    void aNewTeamWithAFormerTeamsNameDoesNotInheritItsFeed() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");
        asAdmin().delete("/api/v1/namespaces/{ns}", team).then().statusCode(204);
        asAdmin().delete(teamPath(team)).then().statusCode(204);

        String newcomer = TestUsers.create("newcomer");
        as(newcomer).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);

        assertEquals(List.of(newcomer), teamActivities(newcomer, "team.create", team).stream()
                .map(a -> a.get("actor")).toList(), "only the new team's own creation");
        assertEquals(List.of(), teamActivities(newcomer, "member.add", team),
                "who belonged to the former team is none of the new owner's business");
    }

    @Test
    void teamChangesAreInTheFeedOfItsMembersOnly() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");
        patch(as(owner), MERGE_PATCH, "{\"role\":\"contributor\"}", memberPath(team, member)).then().statusCode(200);
        patch(as(owner), MERGE_PATCH, "{\"description\":\"about us\"}", teamPath(team)).then().statusCode(200);
        addMember(team, owner, other, "viewer");
        as(owner).delete(memberPath(team, other)).then().statusCode(204);

        List<Map<String, Object>> created = teamActivities(member, "team.create", team);
        assertEquals(1, created.size(), "a member sees the team's creation");
        assertEquals(owner, created.get(0).get("actor"));
        assertNotNull(created.get(0).get("timestamp"));

        List<Map<String, Object>> added = teamActivities(member, "member.add", team);
        assertEquals(2, added.size());
        assertEquals(other, added.get(0).get("user"), "newest first");
        assertEquals(member, added.get(1).get("user"));
        assertEquals("viewer", added.get(1).get("detail"));

        List<Map<String, Object>> changed = teamActivities(member, "member.update", team);
        assertEquals(1, changed.size());
        assertEquals("contributor", changed.get(0).get("detail"));
        assertEquals(1, teamActivities(member, "team.update", team).size());
        assertEquals(1, teamActivities(member, "member.remove", team).size());
        assertEquals(1, teamActivities(TestUsers.ADMIN, "member.remove", team).size(), "admins see everything");

        for (String action : List.of("team.create", "member.add", "member.update", "team.update")) {
            assertEquals(List.of(), teamActivities(outsider, action, team), "an outsider sees no " + action);
        }
    }
}
