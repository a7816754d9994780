package dev.portcullis.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The users API: list, show, create (people and bots), JSON merge patch, disable, delete, and the last-admin
 * rule. All test classes share one database, so every account here has a unique name; failed logins are few
 * (at most five) because every class shares the per-address brute-force allowance.
 */
@QuarkusTest
class UsersApiTest {

    static final String SERVICE = "registry.test";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    // ---- helpers -------------------------------------------------------------------------------------------

    static RequestSpecification as(String username, String password) {
        return given().auth().preemptive().basic(username, password).contentType(ContentType.JSON);
    }

    static RequestSpecification asAdmin() {
        return as(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD);
    }

    static RequestSpecification asUser(String username) {
        return as(username, TestUsers.PASSWORD);
    }

    /** A fresh name for something this test creates itself (a bot, a team) or never creates. */
    static String uniqueName(String prefix) {
        return prefix + System.nanoTime() % 1_000_000 + "x" + SEQUENCE.incrementAndGet();
    }

    static Response patchUser(RequestSpecification caller, String username, String contentType, Object body) {
        return caller.contentType(contentType).body(body).patch("/api/v1/users/" + username);
    }

    static Response patchUser(RequestSpecification caller, String username, Object body) {
        return patchUser(caller, username, MERGE_PATCH, body);
    }

    /** The status of a registry token request with HTTP Basic, as docker login makes it. */
    static int registryLogin(String username, String secret) {
        return given().queryParam("service", SERVICE).auth().preemptive().basic(username, secret)
                .get("/v2/token").statusCode();
    }

    static Response registryLoginResponse(String username, String secret) {
        return given().queryParam("service", SERVICE).auth().preemptive().basic(username, secret)
                .get("/v2/token");
    }

    static String createBot(String prefix) {
        String bot = uniqueName(prefix);
        asAdmin().body(Map.of("username", bot, "bot", true, "email", bot + "@example.com"))
                .post("/api/v1/users")
                .then().statusCode(201);
        return bot;
    }

    static String createAdmin(String prefix) {
        String name = uniqueName(prefix);
        asAdmin().body(Map.of("username", name, "password", TestUsers.PASSWORD, "admin", true))
                .post("/api/v1/users")
                .then().statusCode(201).body("admin", equalTo(true));
        return name;
    }

    /** Every user, walking the list page by page as the admin. */
    static List<Map<String, Object>> allUsers(int limit) {
        List<Map<String, Object>> users = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = asAdmin().queryParam("limit", limit);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/v1/users").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            assertTrue(items.size() <= limit, "a page holds at most 'limit' users");
            users.addAll(items);
            cursor = page.getString("next");
        } while (cursor != null);
        return users;
    }

    static void assertProblem(Response response, int status) {
        response.then().statusCode(status)
                .contentType(PROBLEM_JSON)
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body(not(containsString("Exception")));
    }

    // ---- create --------------------------------------------------------------------------------------------

    @Test
    void anAdminCreatesAUserWhoPushesToTheirPersonalNamespace() {
        String name = uniqueName("dora");
        asAdmin().body(Map.of("username", name, "password", "long-enough-pw", "email", name + "@example.com"))
                .post("/api/v1/users")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/users/" + name))
                .body("username", equalTo(name))
                .body("admin", equalTo(false))
                .body(not(containsString("password")));
        asAdmin().get("/api/v1/namespaces/" + name).then().statusCode(200).body("kind", equalTo("personal"));
        String jwt = given().queryParam("service", SERVICE).queryParam("scope", "repository:" + name + "/x:push")
                .auth().preemptive().basic(name, "long-enough-pw").get("/v2/token").then().statusCode(200)
                .extract().path("token");
        assertEquals("[\"push\"]", AccessApi.claims(jwt).get("access").get(0).get("actions").toString(),
                "the new account may push to its own namespace");
    }

    @Test
    void aTakenNameIsAConflict() {
        String name = TestUsers.create("erin");
        Response taken = asAdmin().body(Map.of("username", name, "password", "long-enough-pw")).post("/api/v1/users");
        assertProblem(taken, 409);
        taken.then().body("detail", containsString("taken"));
    }

    @Test
    void namesMustFollowTheRegistryGrammar() {
        for (String bad : new String[] {"Frank", "frank/x", "-frank", "fr..ank", "", "a".repeat(65), "frank:5000"}) {
            assertProblem(asAdmin().body(Map.of("username", bad, "password", "long-enough-pw"))
                    .post("/api/v1/users"), 422);
        }
    }

    @Test
    void missingFieldsAndBrokenJsonAreClearErrors() {
        String name = uniqueName("gina");
        Response noPassword = asAdmin().body(Map.of("username", name)).post("/api/v1/users");
        assertProblem(noPassword, 422);
        noPassword.then().body("detail", containsString("password"));
        assertProblem(asAdmin().body(Map.of("username", name, "password", "short")).post("/api/v1/users"), 422);
        assertProblem(asAdmin().body("{not json").post("/api/v1/users"), 400);
        assertProblem(asAdmin().get("/api/v1/users/" + name), 404);
    }

    @Test
    void onlyAdminsCreateUsers() {
        String user = TestUsers.create("hank");
        String name = uniqueName("ivan");
        assertProblem(asUser(user).body(Map.of("username", name, "password", "long-enough-pw"))
                .post("/api/v1/users"), 403);
        Response anonymous = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "long-enough-pw")).post("/api/v1/users");
        assertProblem(anonymous, 401);
        anonymous.then().header("WWW-Authenticate", containsString("Basic"));
        assertProblem(as(TestUsers.ADMIN, "wrong-password").body(Map.of("username", name, "password",
                "long-enough-pw")).post("/api/v1/users"), 401);
        assertProblem(asAdmin().get("/api/v1/users/" + name), 404);
    }

    // ---- list ----------------------------------------------------------------------------------------------

    @Test
    void adminsListUsersPageByPageInNameOrder() {
        List<String> mine = List.of(TestUsers.create("list"), TestUsers.create("list"), TestUsers.create("list"));

        List<String> names = allUsers(7).stream().map(u -> (String) u.get("username")).toList();

        for (String name : mine) {
            assertEquals(1, names.stream().filter(name::equals).count(), name + " appears exactly once");
        }
        for (int i = 1; i < names.size(); i++) {
            assertTrue(names.get(i - 1).compareTo(names.get(i)) < 0,
                    "sorted by name without overlap between pages: " + names.get(i - 1) + " then " + names.get(i));
        }
        asAdmin().queryParam("limit", 1).get("/api/v1/users")
                .then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("next", notNullValue())
                .body(not(containsString("passwordHash")));
    }

    @Test
    void theListIsForAdminsOnlyAndItsLimitIsBounded() {
        String user = TestUsers.create("lister");
        assertProblem(asUser(user).get("/api/v1/users"), 403);
        Response anonymous = given().get("/api/v1/users");
        assertProblem(anonymous, 401);
        anonymous.then().header("WWW-Authenticate", containsString("Basic"));
        assertProblem(asAdmin().queryParam("limit", 0).get("/api/v1/users"), 400);
        assertProblem(asAdmin().queryParam("limit", 201).get("/api/v1/users"), 400);
        assertProblem(asAdmin().queryParam("cursor", "not a cursor!").get("/api/v1/users"), 400);
    }

    // ---- show ----------------------------------------------------------------------------------------------

    @Test
    void usersSeeThemselvesAndAdminsSeeEveryone() {
        String alice = TestUsers.create("show");
        asUser(alice).get("/api/v1/users/" + alice)
                .then().statusCode(200)
                .body("username", equalTo(alice))
                .body("email", equalTo(alice + "@example.com"))
                .body("admin", equalTo(false))
                .body("enabled", equalTo(true))
                .body("bot", equalTo(false))
                .body("createdAt", notNullValue())
                .body(not(containsString("password")));
        asAdmin().get("/api/v1/users/" + alice).then().statusCode(200).body("username", equalTo(alice));
        assertProblem(asAdmin().get("/api/v1/users/" + uniqueName("nobody")), 404);
    }

    @Test
    void anotherUsersAccountIsA404LikeOneThatDoesNotExist() {
        String alice = TestUsers.create("show");
        String bob = TestUsers.create("show");
        Response existing = asUser(alice).get("/api/v1/users/" + bob);
        Response missing = asUser(alice).get("/api/v1/users/" + uniqueName("nobody"));
        assertProblem(existing, 404);
        assertProblem(missing, 404);
        existing.then().body(not(containsString(bob + "@example.com")));
    }

    // ---- create a bot --------------------------------------------------------------------------------------

    @Test
    void anAdminCreatesABotWithoutPasswordOrPersonalNamespace() {
        String bot = uniqueName("bot");
        asAdmin().body(Map.of("username", bot, "bot", true))
                .post("/api/v1/users")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/users/" + bot))
                .body("username", equalTo(bot))
                .body("bot", equalTo(true))
                .body("admin", equalTo(false));

        assertProblem(asAdmin().get("/api/v1/namespaces/" + bot), 404);
        // One failed login: a bot has no password, so any password is wrong.
        Response login = registryLoginResponse(bot, TestUsers.PASSWORD);
        login.then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        assertProblem(patchUser(asAdmin(), bot, Map.of("password", "a-password-for-a-bot")), 422);
    }

    @Test
    void botsHaveNoPasswordAndPeopleNeedOne() {
        assertProblem(asAdmin().body(Map.of("username", uniqueName("bot"), "bot", true, "password", "long-enough-pw"))
                .post("/api/v1/users"), 422);
        assertProblem(asAdmin().body(Map.of("username", uniqueName("person"), "bot", false))
                .post("/api/v1/users"), 422);
        assertProblem(asAdmin().body(Map.of("password", "long-enough-pw")).post("/api/v1/users"), 422);
        assertProblem(asAdmin().body(Map.of("username", uniqueName("mail"), "password", "long-enough-pw",
                "email", "not-an-email")).post("/api/v1/users"), 422);
    }

    @Test
    void aFieldOfTheWrongTypeIsAProblemJson400() {
        Response response = asAdmin().body(Map.of("username", uniqueName("typed"), "password", "long-enough-pw",
                "admin", "maybe")).post("/api/v1/users");
        assertProblem(response, 400);
    }

    @Test
    void onlyAdminsCreateBots() {
        String user = TestUsers.create("nobots");
        String bot = uniqueName("bot");
        assertProblem(asUser(user).body(Map.of("username", bot, "bot", true)).post("/api/v1/users"), 403);
        assertProblem(asAdmin().get("/api/v1/users/" + bot), 404);
    }

    // ---- update with a JSON merge patch --------------------------------------------------------------------

    @Test
    void usersChangeTheirOwnEmailAndDisplayNameWithAMergePatch() {
        String user = TestUsers.create("patch");
        patchUser(asUser(user), user, Map.of("email", "new-" + user + "@example.com", "displayName", "Pat Ch"))
                .then().statusCode(200)
                .body("email", equalTo("new-" + user + "@example.com"))
                .body("displayName", equalTo("Pat Ch"));

        // Plain application/json is accepted as a merge patch too; null clears, absent leaves alone.
        Map<String, Object> clear = new HashMap<>();
        clear.put("displayName", null);
        patchUser(asUser(user), user, "application/json", clear)
                .then().statusCode(200)
                .body("displayName", nullValue())
                .body("email", equalTo("new-" + user + "@example.com"));
        asAdmin().get("/api/v1/users/" + user).then().statusCode(200)
                .body("email", equalTo("new-" + user + "@example.com"))
                .body("displayName", nullValue());
    }

    @Test
    void aNewPasswordWorksAtTheTokenEndpointAndTheOldOneStops() {
        String user = TestUsers.create("passwd");
        patchUser(asUser(user), user, "application/json", Map.of("password", "a-brand-new-password"))
                .then().statusCode(200)
                .body(not(containsString("a-brand-new-password")));

        assertEquals(200, registryLogin(user, "a-brand-new-password"));
        assertEquals(401, registryLogin(user, TestUsers.PASSWORD), "the old password stops working"); // 1 failure
    }

    @Test
    void aPasswordThatLooksLikeAnApplicationTokenIsRefused() {
        // Application tokens start with "pcat_": a password starting so would be checked as a token, never work.
        String user = TestUsers.create("prefix");
        Response changed = patchUser(asUser(user), user, Map.of("password", "pcat_my-own-long-password"));
        assertProblem(changed, 422);
        changed.then().body("detail", containsString("pcat_"));
        assertEquals(200, registryLogin(user, TestUsers.PASSWORD), "the old password still works");
    }

    @Test
    void everyByteOfAPasswordCountsAndBcryptsLimitIsRefused() {
        // bcrypt reads only 72 bytes: a 72-byte password counts to its last byte, a 73-byte one is refused.
        String user = TestUsers.create("longpw");
        String common = "correct-horse-battery-staple-".repeat(3).substring(0, 71);
        patchUser(asUser(user), user, Map.of("password", common + "1")).then().statusCode(200);
        assertEquals(200, registryLogin(user, common + "1"));
        assertEquals(401, registryLogin(user, common + "2"), "a password that differs in byte 72"); // 1 failure
        assertProblem(patchUser(as(user, common + "1"), user, Map.of("password", common + "12")), 422);
        assertEquals(200, registryLogin(user, common + "1"), "the refused password changed nothing");
    }

    @Test
    void usersMayNotChangeTheirOwnAdminOrEnabledFlag() {
        String user = TestUsers.create("flags");
        assertProblem(patchUser(asUser(user), user, Map.of("admin", true)), 403);
        assertProblem(patchUser(asUser(user), user, Map.of("enabled", false)), 403);
        // A rejected patch changes nothing, not even the fields next to the forbidden one.
        assertProblem(patchUser(asUser(user), user, Map.of("email", "sneaky@example.com", "admin", true)), 403);
        asAdmin().get("/api/v1/users/" + user).then().statusCode(200)
                .body("admin", equalTo(false))
                .body("enabled", equalTo(true))
                .body("email", equalTo(user + "@example.com"));
    }

    @Test
    void usersMayNotChangeOrDeleteOtherAccounts() {
        String alice = TestUsers.create("other");
        String bob = TestUsers.create("other");
        assertProblem(patchUser(asUser(alice), bob, Map.of("email", "mine@example.com")), 404);
        assertProblem(asUser(alice).delete("/api/v1/users/" + bob), 403);
        assertProblem(asUser(alice).delete("/api/v1/users/" + alice), 403);
        asAdmin().get("/api/v1/users/" + bob).then().statusCode(200).body("email", equalTo(bob + "@example.com"));
    }

    @Test
    void adminsChangeTheAdminFlagOfOthers() {
        String user = TestUsers.create("promote");
        patchUser(asAdmin(), user, Map.of("admin", true)).then().statusCode(200).body("admin", equalTo(true));
        asUser(user).get("/api/v1/users").then().statusCode(200);

        patchUser(asAdmin(), user, "application/json", Map.of("admin", false))
                .then().statusCode(200).body("admin", equalTo(false));
        assertProblem(asUser(user).get("/api/v1/users"), 403);
    }

    @Test
    void badPatchesAreClearErrors() {
        String user = TestUsers.create("badpatch");
        assertProblem(patchUser(asAdmin(), user, Map.of("username", "renamed")), 422);
        assertProblem(patchUser(asAdmin(), user, Map.of("admin", "yes")), 422);
        assertProblem(patchUser(asAdmin(), user, Map.of("email", "not-an-email")), 422);
        assertProblem(patchUser(asAdmin(), user, Map.of("password", "short")), 422);
        assertProblem(patchUser(asAdmin(), user, Map.of("email", 42)), 422);
        assertProblem(patchUser(asAdmin(), user, List.of("email")), 400);
        assertProblem(patchUser(asAdmin(), uniqueName("nobody"), Map.of("email", "x@example.com")), 404);
        assertProblem(patchUser(given(), user, Map.of("email", "x@example.com")), 401);
    }

    // ---- disable -------------------------------------------------------------------------------------------

    @Test
    void disablingAUserStopsTheirPasswordTokensAndApiAccessAtOnce() {
        String user = TestUsers.create("disable");
        String appToken = asUser(user).body(Map.of("name", "ci"))
                .post("/api/v1/users/" + user + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        String refreshToken = given().queryParam("service", SERVICE).queryParam("offline_token", "true")
                .queryParam("client_id", "docker").auth().preemptive().basic(user, TestUsers.PASSWORD)
                .get("/v2/token").then().statusCode(200).extract().path("refresh_token");
        assertEquals(200, registryLogin(user, appToken));

        patchUser(asAdmin(), user, Map.of("enabled", false)).then().statusCode(200).body("enabled", equalTo(false));

        for (String secret : new String[] {TestUsers.PASSWORD, appToken}) {
            registryLoginResponse(user, secret).then().statusCode(403)
                    .body("errors[0].code", equalTo("DENIED"))
                    .body("errors[0].message", containsString(user + " is disabled"));
        }
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken)
                .formParam("service", SERVICE).formParam("client_id", "docker")
                .post("/v2/token").then().statusCode(403).body("errors[0].code", equalTo("DENIED"));

        Response basic = asUser(user).get("/api/v1/users/" + user);
        Response bearer = given().header("Authorization", "Bearer " + appToken).get("/api/v1/users/" + user);
        for (Response refused : List.of(basic, bearer)) {
            assertTrue(refused.statusCode() == 401 || refused.statusCode() == 403,
                    "the API refuses a disabled user, got " + refused.statusCode());
            refused.then().contentType(PROBLEM_JSON).body(not(containsString(user + "@example.com")));
        }

        patchUser(asAdmin(), user, Map.of("enabled", true)).then().statusCode(200).body("enabled", equalTo(true));
        assertEquals(200, registryLogin(user, TestUsers.PASSWORD), "enabling again restores the login");
    }

    // ---- the last enabled admin ----------------------------------------------------------------------------

    @Test
    void theLastEnabledAdminCannotBeDisabledDemotedOrDeleted() {
        // Other classes may have left admins behind: step them down for this test and restore them after.
        List<String> otherAdmins = allUsers(200).stream()
                .filter(u -> Boolean.TRUE.equals(u.get("admin")) && Boolean.TRUE.equals(u.get("enabled")))
                .map(u -> (String) u.get("username"))
                .filter(name -> !name.equals(TestUsers.ADMIN))
                .toList();
        String second = null;
        try {
            otherAdmins.forEach(name -> patchUser(asAdmin(), name, Map.of("admin", false)).then().statusCode(200));

            assertLastAdminIsProtected();

            second = createAdmin("second");
            // With two enabled admins, either may be demoted, disabled or deleted.
            patchUser(asAdmin(), second, Map.of("admin", false)).then().statusCode(200).body("admin", equalTo(false));
            patchUser(asAdmin(), second, Map.of("admin", true)).then().statusCode(200).body("admin", equalTo(true));
            patchUser(asAdmin(), second, Map.of("enabled", false)).then().statusCode(200)
                    .body("enabled", equalTo(false));
            // A disabled admin does not count: admin is the last enabled one again.
            assertLastAdminIsProtected();
            patchUser(asAdmin(), second, Map.of("enabled", true)).then().statusCode(200);
            asAdmin().delete("/api/v1/users/" + second).then().statusCode(204);
            second = null;
        } finally {
            if (second != null) {
                asAdmin().delete("/api/v1/users/" + second);
            }
            otherAdmins.forEach(name -> patchUser(asAdmin(), name, Map.of("admin", true)));
        }
        asAdmin().get("/api/v1/users/" + TestUsers.ADMIN).then().statusCode(200)
                .body("admin", equalTo(true)).body("enabled", equalTo(true));
    }

    private static void assertLastAdminIsProtected() {
        for (Map<String, Object> patch : List.of(Map.<String, Object>of("enabled", false),
                Map.<String, Object>of("admin", false), Map.<String, Object>of("admin", false, "enabled", false))) {
            Response refused = patchUser(asAdmin(), TestUsers.ADMIN, patch);
            assertProblem(refused, 409);
            refused.then().body("detail", containsString("last enabled admin"));
        }
        Response delete = asAdmin().delete("/api/v1/users/" + TestUsers.ADMIN);
        assertProblem(delete, 409);
        // Nothing was half-applied: the refused changes were rolled back.
        asAdmin().get("/api/v1/users/" + TestUsers.ADMIN).then().statusCode(200)
                .body("admin", equalTo(true)).body("enabled", equalTo(true));
    }

    // ---- delete --------------------------------------------------------------------------------------------

    @Test
    void aDeletedUsersNamespaceStaysWithTheAdminsUntilAnAdminDeletesIt() {
        String user = TestUsers.create("delete");
        asAdmin().get("/api/v1/namespaces/" + user).then().statusCode(200);

        asAdmin().delete("/api/v1/users/" + user).then().statusCode(204);

        assertProblem(asAdmin().get("/api/v1/users/" + user), 404);
        assertProblem(asAdmin().delete("/api/v1/users/" + user), 404);
        // The personal namespace stays (it may hold the account's images), owned by nobody: admins only.
        asAdmin().get("/api/v1/namespaces/" + user).then().statusCode(200).body("visibility", equalTo("private"));
        assertProblem(asAdmin().body(Map.of("username", user, "password", TestUsers.PASSWORD))
                .post("/api/v1/users"), 409);
        // Once an admin deletes the empty namespace, the name is free again.
        asAdmin().delete("/api/v1/namespaces/" + user).then().statusCode(204);
        asAdmin().body(Map.of("username", user, "password", TestUsers.PASSWORD)).post("/api/v1/users")
                .then().statusCode(201);
    }

    @Test
    void theLastOwnerOfATeamIsNotDeleted() {
        String owner = TestUsers.create("owner");
        String team = uniqueName("team");
        asUser(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);

        Response refused = asAdmin().delete("/api/v1/users/" + owner);
        assertProblem(refused, 409);
        refused.then().body("detail", containsString(team));
        asAdmin().get("/api/v1/users/" + owner).then().statusCode(200);
    }

    @Test
    void deletingAnOwnerOfATeamWithAnotherOwnerRemovesTheMembership() {
        String first = TestUsers.create("coowner");
        String second = TestUsers.create("coowner");
        String team = uniqueName("coteam");
        asUser(first).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        asUser(first).body(Map.of("username", second, "role", "owner")).post("/api/v1/teams/" + team + "/members")
                .then().statusCode(201);

        asAdmin().delete("/api/v1/users/" + first).then().statusCode(204);

        asUser(second).get("/api/v1/teams/" + team + "/members").then().statusCode(200)
                .body("items.username", equalTo(List.of(second)));
    }

    @Test
    void deletingAContributorOfATeamRemovesTheMembership() {
        String owner = TestUsers.create("teamowner");
        String contributor = TestUsers.create("contrib");
        String team = uniqueName("contteam");
        asUser(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        asUser(owner).body(Map.of("username", contributor, "role", "contributor"))
                .post("/api/v1/teams/" + team + "/members").then().statusCode(201);

        asAdmin().delete("/api/v1/users/" + contributor).then().statusCode(204);

        asUser(owner).get("/api/v1/teams/" + team + "/members").then().statusCode(200)
                .body("items.username", equalTo(List.of(owner)));
    }

    @Test
    void aDeletedUsersTokensGoWithThem() {
        String user = TestUsers.create("gone");
        JsonPath created = asUser(user).body(Map.of("name", "ci"))
                .post("/api/v1/users/" + user + "/application-tokens")
                .then().statusCode(201).extract().jsonPath();
        assertNotNull(created.getString("token"));

        asAdmin().delete("/api/v1/users/" + user).then().statusCode(204);

        assertProblem(asAdmin().get("/api/v1/users/" + user + "/application-tokens"), 404);
        Response bearer = given().header("Authorization", "Bearer " + created.getString("token"))
                .get("/api/v1/users/" + user);
        assertProblem(bearer, 401); // 1 failure
    }
}
