package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pages over HTTP, as a browser without JavaScript uses them: each form does what the API does, refusals
 * come back as messages, management pages are for those the policy allows, user text is escaped.
 */
@QuarkusTest
class WebPagesTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static String unique(String prefix) {
        return prefix + System.nanoTime() % 100_000 + "p" + SEQUENCE.incrementAndGet();
    }

    static RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON);
    }

    static String flash(Response redirect) {
        String value = redirect.getCookie(WebRequest.FLASH_COOKIE);
        return value == null ? null : java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void teamsAndNamespacesAreManagedThroughTheirPages() {
        String owner = TestUsers.create("owner");
        String member = TestUsers.create("member");
        WebSession web = WebSession.signIn(owner, TestUsers.PASSWORD);
        String team = unique("team");
        web.post("/teams", "/teams", "name", team, "description", "the *builders*")
                .then().statusCode(303).header("Location", containsString("/teams/" + team));
        web.post("/teams/" + team, "/teams/" + team + "/members", "username", member, "role", "viewer")
                .then().statusCode(303);
        web.post("/teams/" + team, "/teams/" + team + "/members/" + member + "/role", "role", "contributor")
                .then().statusCode(303);
        asAdmin().get("/api/v1/teams/{team}/members", team).then().statusCode(200)
                .body("items.find { it.username == '" + member + "' }.role", equalTo("contributor"));

        // A refusal comes back to the page as a message: the last owner cannot be demoted.
        Response refused = web.post("/teams/" + team, "/teams/" + team + "/members/" + owner + "/role", "role", "viewer");
        refused.then().statusCode(303).header("Location", containsString("/teams/" + team));
        assertTrue(flash(refused).contains("last owner"), flash(refused));

        String ns = unique("ns");
        web.post("/namespaces", "/namespaces", "name", ns, "team", team, "visibility", "protected",
                "description", "x").then().statusCode(303).header("Location", containsString("/namespaces/" + ns));
        web.get("/namespaces/" + ns).then().statusCode(200).body(containsString("protected"))
                .body(containsString("Change visibility"));
        web.post("/namespaces/" + ns, "/namespaces/" + ns + "/visibility", "visibility", "public").then().statusCode(303);
        asAdmin().get("/api/v1/namespaces/{ns}", ns).then().body("visibility", equalTo("public"));

        // A second team to move the namespace to; the team page lists its namespaces.
        String other = unique("other");
        web.post("/teams", "/teams", "name", other).then().statusCode(303);
        web.post("/namespaces/" + ns, "/namespaces/" + ns + "/team", "team", other).then().statusCode(303);
        web.get("/teams/" + other).then().statusCode(200).body(containsString("/namespaces/" + ns));

        // Deleting names what goes, then it goes.
        web.get("/namespaces/" + ns + "/delete").then().statusCode(200).body(containsString("holds no repositories"));
        web.post("/namespaces/" + ns + "/delete", "/namespaces/" + ns + "/delete").then().statusCode(303);
        asAdmin().get("/api/v1/namespaces/{ns}", ns).then().statusCode(404);
        web.get("/teams/" + team + "/delete").then().statusCode(200).body(containsString("owns 1 namespace"));
        web.post("/teams/" + team + "/delete", "/teams/" + team + "/delete", "namespacesTo", other)
                .then().statusCode(303);
        asAdmin().get("/api/v1/teams/{team}", team).then().statusCode(404);
        asAdmin().get("/api/v1/namespaces/{ns}", team).then().statusCode(200).body("team", equalTo(other));
    }

    @Test
    void descriptionsAreRenderedAsMarkdownWithEverythingElseEscaped() {
        String owner = TestUsers.create("md");
        WebSession web = WebSession.signIn(owner, TestUsers.PASSWORD);
        String team = unique("md");
        web.post("/teams", "/teams", "name", team).then().statusCode(303);
        String markdown = "# Title\n\n**bold** <script>alert('x')</script> <img src=x onerror=alert(1)>\n\n"
                + "[click](javascript:alert(1)) [docs](https://example.com/docs)";
        web.post("/namespaces/" + team, "/namespaces/" + team + "/description", "description", markdown)
                .then().statusCode(303);
        String page = web.get("/namespaces/" + team).then().statusCode(200).extract().asString();
        String html = page.substring(page.indexOf("<div class=\"markdown card\">"), page.indexOf("</div>",
                page.indexOf("<div class=\"markdown card\">")));
        assertTrue(html.contains("<h3>Title</h3>") && html.contains("<strong>bold</strong>"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertTrue(!page.contains("<script>alert") && !page.contains("<img src=x"), html);
        assertTrue(!html.contains("javascript:"), html);
        assertTrue(html.contains("<a rel=\"nofollow noopener noreferrer\" href=\"https://example.com/docs\">"), html);
    }

    @Test
    void viewersAndOthersGetNoManagementPages() {
        String owner = TestUsers.create("own");
        String viewer = TestUsers.create("view");
        String stranger = TestUsers.create("str");
        String team = unique("vt");
        asAdmin().body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        asAdmin().body(Map.of("username", owner, "role", "owner")).post("/api/v1/teams/{t}/members", team)
                .then().statusCode(201);
        asAdmin().body(Map.of("username", viewer, "role", "viewer")).post("/api/v1/teams/{t}/members", team)
                .then().statusCode(201);
        WebSession web = WebSession.signIn(viewer, TestUsers.PASSWORD);
        web.get("/teams/" + team).then().statusCode(200).body(containsString(viewer))
                .body(not(containsString("Add member"))).body(not(containsString("Delete team")));
        web.get("/namespaces/" + team).then().statusCode(200).body(not(containsString("Change visibility")));
        // Forms posted anyway are refused by the services, as the API refuses them.
        Response refused = web.post("/teams/" + team, "/teams/" + team + "/members", "username", stranger,
                "role", "owner");
        assertTrue(flash(refused).contains("only owners"), flash(refused));
        web.get("/admin").then().statusCode(403);
        web.get("/why?account=" + owner + "&repository=" + team + "/app").then().statusCode(403);
        web.get("/why?repository=" + team + "/app").then().statusCode(200).body(containsString("viewer"));

        WebSession outsider = WebSession.signIn(stranger, TestUsers.PASSWORD);
        outsider.get("/teams/" + team).then().statusCode(404);
        outsider.get("/namespaces/" + team).then().statusCode(404);
    }

    @Test
    void theMemberFieldSuggestsNamesToTheTeamsManagersOnly() {
        String prefix = unique("sug");
        for (int i = 0; i < 12; i++) {
            asAdmin().body(Map.of("username", prefix + "u" + i, "password", TestUsers.PASSWORD,
                    "email", prefix + "u" + i + "@example.com")).post("/api/v1/users").then().statusCode(201);
        }
        asAdmin().body(Map.of("username", prefix + "bot", "bot", true)).post("/api/v1/users").then().statusCode(201);
        asAdmin().body(Map.of("username", prefix + "aoff", "password", TestUsers.PASSWORD)).post("/api/v1/users")
                .then().statusCode(201);
        asAdmin().body(Map.of("enabled", false)).patch("/api/v1/users/{u}", prefix + "aoff").then().statusCode(200);
        String owner = TestUsers.create("own");
        String viewer = TestUsers.create("view");
        String stranger = TestUsers.create("str");
        String team = unique("sugteam");
        asAdmin().body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        for (String[] member : new String[][] {{owner, "owner"}, {viewer, "viewer"}, {prefix + "u0", "viewer"}}) {
            asAdmin().body(Map.of("username", member[0], "role", member[1])).post("/api/v1/teams/{t}/members", team)
                    .then().statusCode(201);
        }
        WebSession web = WebSession.signIn(owner, TestUsers.PASSWORD);
        web.get("/teams/" + team).then().statusCode(200).body(containsString("list=\"member-candidates\""))
                .body(containsString("hx-get=\"/teams/" + team + "/candidates\""));

        // Ten names at most, in order: bots too, neither members nor disabled accounts, and never an email.
        String answer = candidates(web, team, prefix).then().statusCode(200).contentType(containsString("text/html"))
                .extract().asString();
        List<String> expected = new java.util.ArrayList<>(List.of(prefix + "bot"));
        java.util.stream.IntStream.range(1, 12).mapToObj(i -> prefix + "u" + i).sorted().limit(9).forEach(expected::add);
        assertEquals(expected, options(answer));
        assertTrue(!answer.contains("@"), answer);
        assertEquals(List.of(prefix + "u1", prefix + "u10", prefix + "u11"),
                options(candidates(web, team, prefix.toUpperCase() + "U1").asString()));
        // One character finds nobody; '_' is no wildcard.
        assertEquals(List.of(), options(candidates(web, team, prefix.substring(0, 1)).asString()));
        assertEquals(List.of(), options(candidates(web, team, prefix.substring(0, prefix.length() - 1) + "_")
                .asString()));

        // Only the team's managers may ask.
        candidates(WebSession.signIn(viewer, TestUsers.PASSWORD), team, prefix).then().statusCode(403);
        candidates(WebSession.signIn(stranger, TestUsers.PASSWORD), team, prefix).then().statusCode(404);
        given().redirects().follow(false).header("HX-Request", "true").queryParam("username", prefix)
                .get("/teams/{t}/candidates", team).then().statusCode(401);
    }

    static Response candidates(WebSession web, String team, String prefix) {
        return web.request().header("HX-Request", "true").queryParam("username", prefix)
                .get("/teams/{t}/candidates", team);
    }

    static List<String> options(String html) {
        Matcher option = Pattern.compile("<option value=\"([^\"]+)\">").matcher(html);
        List<String> names = new java.util.ArrayList<>();
        while (option.find()) {
            names.add(option.group(1));
        }
        return names;
    }

    @Test
    void theProfileChangesTheAccountAndHandsOutTokensShownOnce() {
        String user = TestUsers.create("prof");
        WebSession web = WebSession.signIn(user, TestUsers.PASSWORD);
        web.post("/profile", "/profile", "email", user + "@example.org", "displayName", "Pro <b>File</b>")
                .then().statusCode(303);
        web.get("/profile").then().statusCode(200).body(containsString("Pro &lt;b&gt;File&lt;/b&gt;"));

        Response created = web.post("/profile", "/profile/tokens", "name", "ci", "readOnly", "true", "days", "30");
        created.then().statusCode(200).header("Cache-Control", containsString("no-store"));
        Matcher secret = Pattern.compile("id=\"copy-token\">(pcat_[A-Za-z0-9_-]+)<").matcher(created.asString());
        assertTrue(secret.find(), created::asString);
        given().auth().preemptive().basic(user, secret.group(1)).get("/api/v1/users/{u}", user).then().statusCode(200);
        String listed = web.get("/profile").then().statusCode(200).extract().asString();
        assertTrue(listed.contains("pull only") && !listed.contains(secret.group(1)), listed);
        Matcher revoke = Pattern.compile("action=\"(/profile/tokens/\\d+/revoke)\"").matcher(listed);
        assertTrue(revoke.find());
        web.post("/profile", revoke.group(1)).then().statusCode(303);
        given().auth().preemptive().basic(user, secret.group(1)).get("/api/v1/users/{u}", user).then().statusCode(401);

        // The current password is asked before a new one is set.
        Response wrong = web.post("/profile", "/profile/password", "current", "not-the-password",
                "password", "new-password-1", "repeat", "new-password-1");
        assertTrue(flash(wrong).contains("current password is wrong"), flash(wrong));
        web.post("/profile", "/profile/password", "current", TestUsers.PASSWORD,
                "password", "new-password-1", "repeat", "new-password-1").then().statusCode(303);
        WebSession.signIn(user, "new-password-1");
    }

    @Test
    void adminsManageUsersAndBots() {
        WebSession web = WebSession.signIn(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD);
        String bot = unique("bot");
        String person = unique("person");
        web.post("/admin", "/admin/users", "username", bot, "bot", "true").then().statusCode(303);
        web.post("/admin", "/admin/users", "username", person, "password", "person-password", "email",
                person + "@example.com").then().statusCode(303);
        asAdmin().get("/api/v1/users/{u}", bot).then().statusCode(200).body("bot", equalTo(true));
        web.get("/admin").then().statusCode(200).body(containsString(bot)).body(containsString("Settings in force"))
                .body(containsString("Registry"));

        // A session ends as soon as its account is disabled.
        WebSession theirs = WebSession.signIn(person, "person-password");
        web.post("/admin", "/admin/users/" + person + "/enabled", "enabled", "false").then().statusCode(303);
        Response ended = theirs.get("/");
        ended.then().statusCode(303).header("Location", containsString("/login?ended=true"));
        assertEquals("", ended.getCookie(WebSession.SESSION));
        Response disabled = WebSession.signInForm().formParam("j_username", person)
                .formParam("j_password", "person-password").post("/j_security_check");
        disabled.then().header("Location", containsString("/login?error=true"));
        assertNull(disabled.getCookie(WebSession.SESSION));

        web.post("/admin", "/admin/users/" + person + "/admin", "admin", "true").then().statusCode(303);
        asAdmin().get("/api/v1/users/{u}", person).then().body("admin", equalTo(true));
        web.get("/admin/users/" + person + "/delete").then().statusCode(200).body(containsString("personal namespace"));
        web.post("/admin/users/" + person + "/delete", "/admin/users/" + person + "/delete").then().statusCode(303);
        asAdmin().get("/api/v1/users/{u}", person).then().statusCode(404);
    }

    @Test
    void theActivityFeedPagesFiltersRefreshesAndExports() {
        String user = TestUsers.create("feed");
        for (int i = 0; i < DashboardPage.FEED_SIZE + 1; i++) {
            given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                    .body(Map.of("name", "t" + i)).post("/api/v1/users/{u}/application-tokens", user)
                    .then().statusCode(201);
        }
        WebSession web = WebSession.signIn(user, TestUsers.PASSWORD);
        String first = web.get("/").then().statusCode(200).extract().asString();
        assertTrue(first.contains("created a token for"), first);
        Matcher older = Pattern.compile("href=\"(/\\?after=[0-9.]+)\" rel=\"next\"").matcher(first);
        assertTrue(older.find(), first);
        web.get(older.group(1).replace("&amp;", "&")).then().statusCode(200).body(containsString("created user"));
        web.get("/?action=token.revoke").then().statusCode(200).body(containsString("Nothing matches these filters"));
        web.get("/activity").then().statusCode(200).body(containsString("id=\"feed\""))
                .body(not(containsString("<html")));
        web.get("/activity.csv").then().statusCode(200).contentType(containsString("text/csv"))
                .body(containsString("timestamp,action,actor")).body(containsString("token.create"));
        web.get("/?after=nonsense").then().statusCode(400).body(containsString("Bad request"));
    }

    @Test
    void exploreAndRepositoryPagesAnswerAnonymousVisitors() {
        given().get("/explore").then().statusCode(200).body(containsString("Public repositories"));
        given().redirects().follow(false).get("/repositories/no-such/repository").then().statusCode(404)
                .body(containsString("Not found"));
        given().redirects().follow(false).get("/why").then().statusCode(303);
    }
}
