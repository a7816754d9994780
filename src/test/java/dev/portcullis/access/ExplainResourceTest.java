package dev.portcullis.access;

import static dev.portcullis.access.AccessApi.addMember;
import static dev.portcullis.access.AccessApi.anonymous;
import static dev.portcullis.access.AccessApi.as;
import static dev.portcullis.access.AccessApi.asAdmin;
import static dev.portcullis.access.AccessApi.createTeam;
import static dev.portcullis.access.AccessApi.granted;
import static dev.portcullis.access.AccessApi.problem;
import static dev.portcullis.access.AccessApi.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExplainResourceTest {

    static final String EXPLAIN = "/api/v1/access/explain";

    static String owner;
    static String contributor;
    static String viewer;
    static String outsider;
    static String team;

    @BeforeEach
    void fixtures() {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (team == null) {
            owner = TestUsers.create("exowner");
            contributor = TestUsers.create("excontrib");
            viewer = TestUsers.create("exviewer");
            outsider = TestUsers.create("exoutsider");
            team = createTeam(owner);
            addMember(team, owner, contributor, "contributor");
            addMember(team, owner, viewer, "viewer");
        }
    }

    static String app(String actions) {
        return "repository:" + team + "/app:" + actions;
    }

    /** {@code asker} asks about {@code account} (omitted when null). */
    static Response explain(RequestSpecification asker, String account, String... scopes) {
        RequestSpecification request = asker;
        if (account != null) {
            request = request.queryParam("account", account);
        }
        for (String scope : scopes) {
            request = request.queryParam("scope", scope);
        }
        return request.get(EXPLAIN);
    }

    /** The explanation of one scope for {@code account}, asked by an admin. */
    static JsonPath explained(String account, String scope) {
        return explain(asAdmin(), account, scope).then().statusCode(200)
                .body("account", equalTo(account))
                .body("scopes", hasSize(1))
                .extract().jsonPath().setRootPath("scopes[0]");
    }

    static String reason(String account, String scope, String action) {
        // getMap, not a GPath: the catalog's action "*" would be read as a wildcard.
        Map<String, Map<String, Object>> actions = explained(account, scope).getMap("actions");
        return (String) actions.get(action).get("reason");
    }

    @Test
    void aViewerLearnsWhyTheyMayPullButNotPush() {
        JsonPath answer = explain(as(viewer), viewer, app("pull,push")).then().statusCode(200)
                .body("account", equalTo(viewer))
                .extract().jsonPath().setRootPath("scopes[0]");

        assertEquals(app("pull,push"), answer.getString("scope"));
        assertEquals(List.of("pull"), answer.getList("granted", String.class));
        assertEquals(true, answer.getBoolean("actions.pull.allowed"));
        assertEquals(viewer + " is a viewer of team '" + team + "': members may pull",
                answer.getString("actions.pull.reason"));
        assertEquals(false, answer.getBoolean("actions.push.allowed"));
        assertEquals(viewer + " is a viewer of team '" + team + "': viewers may pull, not push",
                answer.getString("actions.push.reason"));
    }

    @Test
    void reasonsNameTheRuleInWords() {
        assertEquals(owner + " is an owner of team '" + team + "': owners may delete",
                reason(owner, app("delete"), "delete"));
        assertEquals(contributor + " is a contributor of team '" + team + "': owners and contributors may push",
                reason(contributor, app("push"), "push"));
        assertEquals(contributor + " is a contributor of team '" + team + "': only owners may delete",
                reason(contributor, app("delete"), "delete"));
        assertEquals("namespace '" + team + "' is private and " + outsider + " is not a member",
                reason(outsider, app("pull"), "pull"));
        assertEquals(outsider + " is not a member of team '" + team + "', which owns namespace '" + team + "'",
                reason(outsider, app("push"), "push"));
        assertEquals(outsider + " owns the personal namespace '" + outsider + "': may push",
                reason(outsider, "repository:" + outsider + "/tool:push", "push"));
        assertEquals("the global namespace is protected: every signed-in user may pull",
                reason(outsider, "repository:hello:pull", "pull"));
        assertEquals("only admins may push to the global namespace", reason(outsider, "repository:hello:push", "push"));
        assertEquals("admins may pull everywhere", reason(TestUsers.ADMIN, app("pull"), "pull"));
        String nowhere = unique("ns");
        assertEquals("namespace '" + nowhere + "' does not exist",
                reason(owner, "repository:" + nowhere + "/app:pull", "pull"));
        assertEquals("only admins may list the catalog (registry:catalog:*)",
                reason(owner, "registry:catalog:*", "*"));
    }

    @Test
    void aWildcardIsExplainedActionByAction() {
        JsonPath answer = explained(contributor, app("*"));
        assertEquals(List.of("pull", "push"), answer.getList("granted", String.class));
        Map<String, Map<String, Object>> actions = answer.getMap("actions");
        assertEquals(List.of("pull", "push", "delete"), List.copyOf(actions.keySet()));
        assertEquals(List.of(true, true, false), actions.values().stream().map(a -> a.get("allowed")).toList());

        assertEquals(List.of("*"), explained(owner, app("*")).getList("granted", String.class));
    }

    @Test
    void severalScopesAreExplainedInOrder() {
        explain(as(owner), owner, app("pull"), "repository:" + owner + "/x:push").then().statusCode(200)
                .body("scopes", hasSize(2))
                .body("scopes[0].scope", equalTo(app("pull")))
                .body("scopes[0].granted", equalTo(List.of("pull")))
                .body("scopes[1].scope", equalTo("repository:" + owner + "/x:push"))
                .body("scopes[1].granted", equalTo(List.of("push")));
    }

    @Test
    void theAnswerAgreesWithTheTokenEndpoint() {
        String personal = "repository:" + owner + "/tool:pull,push,delete";
        String[][] table = {
            {owner, app("pull,push,delete")},
            {owner, app("*")},
            {contributor, app("pull,push,delete")},
            {contributor, app("*")},
            {viewer, app("pull,push,delete")},
            {outsider, app("pull,push,delete")},
            {owner, personal},
            {outsider, personal},
            {TestUsers.ADMIN, personal},
            {viewer, "repository:hello:pull,push"},
            {TestUsers.ADMIN, "repository:hello:*"},
            {viewer, "repository:" + unique("ns") + "/app:pull"},
            {viewer, "registry:catalog:*"},
            {TestUsers.ADMIN, "registry:catalog:*"},
        };
        for (String[] row : table) {
            String account = row[0];
            String scope = row[1];
            assertEquals(granted(account, scope), explained(account, scope).getList("granted", String.class),
                    "explain and the token endpoint disagree for " + account + " on " + scope);
        }
    }

    @Test
    void usersAskAboutThemselvesAdminsAboutAnyone() {
        explain(as(outsider), null, app("pull")).then().statusCode(200)
                .body("account", equalTo(outsider))
                .body("scopes[0].granted", hasSize(0));
        explain(asAdmin(), outsider, app("pull")).then().statusCode(200).body("account", equalTo(outsider));

        problem(explain(as(outsider), viewer, app("pull")), 403).body("detail", containsString("admins"));
        problem(explain(as(contributor), TestUsers.ADMIN, app("pull")), 403);
        problem(explain(anonymous(), viewer, app("pull")), 401);
        problem(explain(asAdmin(), unique("nobody"), app("pull")), 404).body("detail", containsString("no user"));
    }

    @Test
    void aScopeIsRequiredAndMustBeWellFormed() {
        problem(explain(as(viewer), viewer), 400).body("detail", containsString("scope"));
        for (String bad : new String[] {"repository:" + team.toUpperCase() + "/app:pull", "nonsense",
                "repository:" + team + "/app:", "repository::pull", "registry:everything:*"}) {
            problem(explain(as(viewer), viewer, bad), 400);
        }
    }
}
