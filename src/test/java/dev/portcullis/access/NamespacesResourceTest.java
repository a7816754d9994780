package dev.portcullis.access;

import static dev.portcullis.access.AccessApi.MERGE_PATCH;
import static dev.portcullis.access.AccessApi.activities;
import static dev.portcullis.access.AccessApi.addMember;
import static dev.portcullis.access.AccessApi.all;
import static dev.portcullis.access.AccessApi.anonymous;
import static dev.portcullis.access.AccessApi.as;
import static dev.portcullis.access.AccessApi.asAdmin;
import static dev.portcullis.access.AccessApi.body;
import static dev.portcullis.access.AccessApi.createNamespace;
import static dev.portcullis.access.AccessApi.createTeam;
import static dev.portcullis.access.AccessApi.granted;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class NamespacesResourceTest {

    static final String NAMESPACES = "/api/v1/namespaces";
    static final String GLOBAL = "_global";

    /** Shared accounts; each test makes its own teams and namespaces. */
    static String owner;
    static String member;
    static String other;
    static String outsider;

    @BeforeEach
    void users() {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (owner == null) {
            owner = TestUsers.create("nsowner");
            member = TestUsers.create("nsmember");
            other = TestUsers.create("nsother");
            outsider = TestUsers.create("nsoutsider");
        }
    }

    static String path(String namespace) {
        return NAMESPACES + "/" + namespace;
    }

    static String pullPush(String namespace) {
        return "repository:" + namespace + "/app:pull,push";
    }

    /** Every namespace {@code user} (anonymous when null) is listed, name → the item. */
    static Map<String, Map<String, Object>> listed(String user) {
        return all(user, NAMESPACES, 200).stream()
                .collect(Collectors.toMap(i -> (String) i.get("name"), i -> i));
    }

    static void setVisibility(String user, String namespace, String visibility) {
        patch(as(user), MERGE_PATCH, "{\"visibility\":\"" + visibility + "\"}", path(namespace))
                .then().statusCode(200).body("visibility", equalTo(visibility));
    }

    // --- list and show --------------------------------------------------------------------------------------

    @Test
    void eachCallerListsOnlyTheNamespacesTheyMaySee() {
        String team = createTeam(owner);
        addMember(team, owner, member, "viewer");
        String open = createNamespace(owner, team, "public");
        String shared = createNamespace(owner, team, "protected");

        Map<String, Map<String, Object>> anonymousSees = listed(null);
        assertTrue(anonymousSees.containsKey(open));
        assertFalse(anonymousSees.containsKey(shared) || anonymousSees.containsKey(team) || anonymousSees.containsKey(GLOBAL));
        anonymousSees.values().forEach(ns -> assertEquals("public", ns.get("visibility"), "anonymous sees " + ns));

        Map<String, Map<String, Object>> outsiderSees = listed(outsider);
        assertTrue(outsiderSees.keySet().containsAll(Set.of(open, shared, GLOBAL, outsider)));
        assertFalse(outsiderSees.containsKey(team), "a private team namespace is not listed to outsiders");
        assertFalse(outsiderSees.containsKey(owner), "nor someone else's personal namespace");
        outsiderSees.values().forEach(ns -> assertTrue(!"private".equals(ns.get("visibility"))
                || "owner".equals(ns.get("role")), "outsider sees " + ns));

        Map<String, Map<String, Object>> memberSees = listed(member);
        assertEquals("viewer", memberSees.get(team).get("role"));
        assertEquals(team, memberSees.get(team).get("team"));
        assertEquals("team", memberSees.get(team).get("kind"));
        assertTrue(listed(TestUsers.ADMIN).keySet().containsAll(Set.of(team, owner, outsider, GLOBAL)));
    }

    @Test
    void listsArePagedWithACursor() {
        String team = createTeam(owner);
        for (int i = 0; i < 3; i++) {
            createNamespace(owner, team, "public");
        }
        List<String> byTwo = names(all(null, NAMESPACES, 2));
        List<String> byMany = names(all(null, NAMESPACES, 200));
        assertTrue(byMany.size() >= 3);
        assertEquals(byMany, byTwo, "pages of two add up to the whole list");
        assertEquals(byMany.stream().sorted().distinct().toList(), byMany, "in name order, without repeats");

        problem(anonymous().queryParam("limit", 0).get(NAMESPACES), 400);
        problem(anonymous().queryParam("limit", 201).get(NAMESPACES), 400);
        problem(anonymous().queryParam("cursor", "%%%").get(NAMESPACES), 400);
    }

    @Test
    void privateNamespacesOfOthersAreNotFound() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");

        as(owner).get(path(team)).then().statusCode(200)
                .body("name", equalTo(team)).body("kind", equalTo("team")).body("team", equalTo(team))
                .body("owner", nullValue()).body("visibility", equalTo("private")).body("role", equalTo("owner"));
        as(member).get(path(team)).then().statusCode(200).body("role", equalTo("contributor"));
        asAdmin().get(path(team)).then().statusCode(200).body("role", nullValue());
        problem(as(outsider).get(path(team)), 404).body("detail", containsString("no namespace"));
        problem(anonymous().get(path(team)), 404);
        problem(asAdmin().get(path(unique("ns"))), 404);

        as(owner).get(path(owner)).then().statusCode(200)
                .body("kind", equalTo("personal")).body("owner", equalTo(owner)).body("team", nullValue())
                .body("role", equalTo("owner"));
        problem(as(outsider).get(path(owner)), 404);

        as(outsider).get(path(GLOBAL)).then().statusCode(200)
                .body("kind", equalTo("global")).body("visibility", equalTo("protected"));
        problem(anonymous().get(path(GLOBAL)), 404);
    }

    // --- create ---------------------------------------------------------------------------------------------

    @Test
    void ownersCreateNamespacesForTheirTeam() {
        String team = createTeam(owner);
        String name = unique("ns");

        as(owner).body(body("name", name, "team", team, "visibility", "protected", "description", "shared tools"))
                .post(NAMESPACES)
                .then().statusCode(201)
                .header("Location", endsWith(path(name)))
                .body("name", equalTo(name)).body("kind", equalTo("team")).body("team", equalTo(team))
                .body("visibility", equalTo("protected")).body("description", equalTo("shared tools"))
                .body("role", equalTo("owner"));
        assertEquals(List.of("pull", "push"), granted(owner, pullPush(name)));
        assertEquals(List.of("pull"), granted(outsider, pullPush(name)), "protected: signed-in users pull");

        String hidden = unique("ns");
        as(owner).body(body("name", hidden, "team", team)).post(NAMESPACES)
                .then().statusCode(201).body("visibility", equalTo("private"));
        assertEquals(List.of(), granted(outsider, pullPush(hidden)));

        String byAdmin = unique("ns");
        asAdmin().body(body("name", byAdmin, "team", team)).post(NAMESPACES).then().statusCode(201);
        assertEquals(List.of("pull", "push"), granted(owner, pullPush(byAdmin)), "it belongs to the team");

        List<Map<String, Object>> created = activities(owner, "namespace.create").stream()
                .filter(a -> name.equals(a.get("namespace"))).toList();
        assertEquals(1, created.size());
        assertEquals(team, created.get(0).get("team"));
    }

    @Test
    void creatingNamespacesIsRefusedClearly() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String bot = unique("bot");
        asAdmin().body(body("username", bot, "bot", true)).post("/api/v1/users").then().statusCode(201);

        problem(anonymous().body(body("name", unique("ns"), "team", team)).post(NAMESPACES), 401);
        problem(as(owner).body(body("name", unique("ns"))).post(NAMESPACES), 422)
                .body("detail", containsString("team"));
        problem(as(owner).body(body("name", unique("ns"), "team", unique("team"))).post(NAMESPACES), 422)
                .body("detail", containsString("no team"));
        problem(as(owner).body(body("team", team)).post(NAMESPACES), 422);
        for (String bad : new String[] {"Tools", "a/b", "-x", "x..y", "", GLOBAL, "a".repeat(256)}) {
            problem(as(owner).body(body("name", bad, "team", team)).post(NAMESPACES), 422);
        }
        problem(as(owner).body(body("name", unique("ns"), "team", team, "visibility", "secret")).post(NAMESPACES),
                422).body("detail", containsString("visibility"));
        problem(as(member).body(body("name", unique("ns"), "team", team)).post(NAMESPACES), 403);
        problem(as(outsider).body(body("name", unique("ns"), "team", team)).post(NAMESPACES), 403);

        for (String taken : new String[] {team, outsider, bot}) {
            problem(as(owner).body(body("name", taken, "team", team)).post(NAMESPACES), 409)
                    .body("detail", containsString(taken));
        }
        as(outsider).get(path(outsider)).then().statusCode(200).body("kind", equalTo("personal"));
        problem(asAdmin().get(path(bot)), 404);
    }

    // --- update ---------------------------------------------------------------------------------------------

    @Test
    void visibilityDecidesWhoMayPull() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String ns = createNamespace(owner, team, "private");

        assertEquals(List.of(), granted(outsider, pullPush(ns)));
        assertEquals(List.of(), granted(null, pullPush(ns)));
        problem(as(outsider).get(path(ns)), 404);

        setVisibility(owner, ns, "protected");
        assertEquals(List.of("pull"), granted(outsider, pullPush(ns)));
        assertEquals(List.of(), granted(null, pullPush(ns)));
        as(outsider).get(path(ns)).then().statusCode(200).body("role", nullValue());
        problem(anonymous().get(path(ns)), 404);

        setVisibility(owner, ns, "public");
        assertEquals(List.of("pull"), granted(outsider, pullPush(ns)));
        assertEquals(List.of("pull"), granted(null, pullPush(ns)));
        anonymous().get(path(ns)).then().statusCode(200).body("visibility", equalTo("public"));
        assertEquals(List.of("pull", "push"), granted(member, pullPush(ns)), "members keep their rights");

        patch(as(owner), "application/json", "{\"visibility\":\"private\"}", path(ns))
                .then().statusCode(200).body("visibility", equalTo("private"));
        assertEquals(List.of(), granted(outsider, pullPush(ns)));
        assertEquals(List.of(), granted(null, pullPush(ns)));

        List<Map<String, Object>> updates = activities(member, "namespace.update").stream()
                .filter(a -> ns.equals(a.get("namespace"))).toList();
        assertEquals(List.of("visibility=private", "visibility=public", "visibility=protected"),
                updates.stream().map(a -> a.get("detail")).toList());
    }

    @Test
    void onlyOwnersChangeVisibility() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String ns = createNamespace(owner, team, "protected");
        String hidden = createNamespace(owner, team, "private");

        problem(patch(as(owner), MERGE_PATCH, "{\"visibility\":\"secret\"}", path(ns)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"visibility\":null}", path(ns)), 422);
        problem(patch(as(member), MERGE_PATCH, "{\"visibility\":\"public\"}", path(ns)), 403);
        problem(patch(as(outsider), MERGE_PATCH, "{\"visibility\":\"public\"}", path(ns)), 403);
        problem(patch(as(outsider), MERGE_PATCH, "{\"visibility\":\"public\"}", path(hidden)), 404);
        problem(patch(anonymous(), MERGE_PATCH, "{\"visibility\":\"public\"}", path(ns)), 401);

        as(owner).get(path(ns)).then().statusCode(200).body("visibility", equalTo("protected"));
        assertEquals(List.of(), granted(null, pullPush(ns)));
    }

    @Test
    void aNamespaceMovesToAnotherTeamAndRightsMoveWithIt() {
        String from = createTeam(owner);
        String to = createTeam(owner);
        addMember(from, owner, member, "contributor");
        addMember(to, owner, other, "contributor");
        String ns = createNamespace(owner, from, "private");
        assertEquals(List.of("pull", "push"), granted(member, pullPush(ns)));
        assertEquals(List.of(), granted(other, pullPush(ns)));

        patch(as(owner), MERGE_PATCH, "{\"team\":\"" + to + "\"}", path(ns))
                .then().statusCode(200).body("team", equalTo(to)).body("role", equalTo("owner"));

        assertEquals(List.of(), granted(member, pullPush(ns)), "the old team's members lose their rights");
        assertEquals(List.of("pull", "push"), granted(other, pullPush(ns)), "the new team's members gain theirs");
        as(other).get(path(ns)).then().statusCode(200).body("team", equalTo(to)).body("role", equalTo("contributor"));
        problem(as(member).get(path(ns)), 404);
        assertTrue(activities(other, "namespace.update").stream()
                .anyMatch(a -> ns.equals(a.get("namespace")) && ("team=" + to).equals(a.get("detail"))));
    }

    @Test
    void movingNeedsOwnershipOfBothTeams() {
        String from = createTeam(owner);
        addMember(from, owner, member, "contributor");
        String ns = createNamespace(owner, from, "private");
        String othersTeam = createTeam(other);
        addMember(othersTeam, other, owner, "contributor");
        String membersTeam = createTeam(member);

        problem(patch(as(owner), MERGE_PATCH, "{\"team\":\"" + othersTeam + "\"}", path(ns)), 403)
                .body("detail", containsString("both"));
        problem(patch(as(member), MERGE_PATCH, "{\"team\":\"" + membersTeam + "\"}", path(ns)), 403);
        problem(patch(as(owner), MERGE_PATCH, "{\"team\":\"" + unique("team") + "\"}", path(ns)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"team\":null}", path(ns)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"team\":\"" + from + "\"}", path(owner)), 422)
                .body("detail", containsString("team namespaces"));
        problem(patch(asAdmin(), MERGE_PATCH, "{\"team\":\"" + from + "\"}", path(GLOBAL)), 422);

        as(owner).get(path(ns)).then().statusCode(200).body("team", equalTo(from));
        assertEquals(List.of("pull", "push"), granted(member, pullPush(ns)));
    }

    @Test
    void ownersChangeTheDescriptionAndNothingUnknown() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String ns = createNamespace(owner, team, "private");

        patch(as(owner), MERGE_PATCH, "{\"description\":\"base images\"}", path(ns))
                .then().statusCode(200).body("description", equalTo("base images"));
        patch(as(owner), "application/json", "{\"description\":\"tools\"}", path(ns))
                .then().statusCode(200).body("description", equalTo("tools"));
        patch(as(owner), MERGE_PATCH, "{\"description\":\"mine\"}", path(owner))
                .then().statusCode(200).body("description", equalTo("mine"));

        problem(patch(as(owner), MERGE_PATCH, "{\"name\":\"renamed\"}", path(ns)), 422)
                .body("detail", containsString("'name' cannot be changed"));
        problem(patch(as(owner), MERGE_PATCH, "{\"kind\":\"personal\"}", path(ns)), 422);
        problem(patch(as(owner), MERGE_PATCH, "{\"description\":7}", path(ns)), 422);
        problem(patch(as(owner), MERGE_PATCH, "\"tools\"", path(ns)), 400);
        problem(patch(as(member), MERGE_PATCH, "{\"description\":\"ours\"}", path(ns)), 403);
        problem(patch(as(outsider), MERGE_PATCH, "{\"description\":\"ours\"}", path(ns)), 404);

        as(owner).get(path(ns)).then().statusCode(200).body("description", equalTo("tools"));
    }

    // --- delete ---------------------------------------------------------------------------------------------

    @Test
    void ownersDeleteTeamNamespaces() {
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String ns = createNamespace(owner, team, "private");
        String byAdmin = createNamespace(owner, team, "protected");

        problem(as(member).delete(path(ns)), 403);
        problem(as(outsider).delete(path(ns)), 404);
        problem(anonymous().delete(path(ns)), 401);
        assertEquals(List.of("pull", "push"), granted(member, pullPush(ns)));

        as(owner).delete(path(ns)).then().statusCode(204);

        problem(as(owner).get(path(ns)), 404);
        problem(as(owner).delete(path(ns)), 404);
        assertEquals(List.of(), granted(owner, pullPush(ns)), "no rights where no namespace exists");
        asAdmin().delete(path(byAdmin)).then().statusCode(204);
        problem(as(owner).get(path(byAdmin)), 404);
    }

    @Test
    void personalAndGlobalNamespacesAreNeverDeleted() {
        problem(as(owner).delete(path(owner)), 409).body("detail", containsString("cannot be deleted"));
        problem(asAdmin().delete(path(owner)), 409);
        problem(asAdmin().delete(path(GLOBAL)), 409);

        as(owner).get(path(owner)).then().statusCode(200);
        as(owner).get(path(GLOBAL)).then().statusCode(200);
        assertEquals(List.of("pull", "push"), granted(owner, pullPush(owner)));
    }

    // --- the global namespace -------------------------------------------------------------------------------

    @Test
    void adminsMayOpenTheGlobalNamespaceButNeverCloseIt() {
        String hello = "repository:hello:pull,push";
        assertEquals(List.of(), granted(null, hello));
        assertEquals(List.of("pull"), granted(owner, hello));
        try {
            setVisibility(TestUsers.ADMIN, GLOBAL, "public");
            assertEquals(List.of("pull"), granted(null, hello), "anonymous callers pull once it is public");
            anonymous().get(path(GLOBAL)).then().statusCode(200).body("visibility", equalTo("public"));

            problem(patch(asAdmin(), MERGE_PATCH, "{\"visibility\":\"private\"}", path(GLOBAL)), 422)
                    .body("detail", containsString("global"));
            asAdmin().get(path(GLOBAL)).then().statusCode(200).body("visibility", equalTo("public"));
        } finally {
            // The global namespace is shared by every test class: put it back.
            setVisibility(TestUsers.ADMIN, GLOBAL, "protected");
        }
        assertEquals(List.of(), granted(null, hello));
        assertEquals(List.of("pull"), granted(owner, hello));
    }

    @Test
    void nonAdminsCannotChangeTheGlobalNamespace() {
        problem(patch(as(owner), MERGE_PATCH, "{\"visibility\":\"public\"}", path(GLOBAL)), 403);
        problem(patch(as(owner), MERGE_PATCH, "{\"description\":\"mine\"}", path(GLOBAL)), 403);
        problem(patch(anonymous(), MERGE_PATCH, "{\"visibility\":\"public\"}", path(GLOBAL)), 401);
        as(owner).get(path(GLOBAL)).then().statusCode(200).body("visibility", equalTo("protected"));
        assertEquals(List.of(), granted(null, "repository:hello:pull"));
    }
}
