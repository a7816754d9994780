package dev.portcullis.directory;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.unboundid.ldap.sdk.ModificationType;
import dev.portcullis.access.directory.DirectorySync;
import dev.portcullis.testsupport.Slapd;
import dev.portcullis.testsupport.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with the company directory's password (Debian's slapd over StartTLS, {@link SlapdResource}) on the token
 * endpoint, the API and the sign-in form; the account made at the first sign-in; groups as teams both ways; people
 * disabled or gone in the directory; the verified-password cache counted in binds; the directory down.
 */
@QuarkusTest
@TestProfile(LdapProfile.class)
class LdapSignInTest {

    static final String SERVICE = "registry.test";
    static final String PASSWORD = SlapdResource.PASSWORD;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    DirectorySync sync;

    @Inject
    MeterRegistry meters;

    static Response token(String user, String secret, String scope) {
        return given().queryParam("service", SERVICE).queryParam("scope", scope)
                .auth().preemptive().basic(user, secret).get("/v2/token");
    }

    static List<String> granted(Response tokenResponse) throws Exception {
        String jwt = tokenResponse.then().statusCode(200).extract().path("token");
        JsonNode access = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).get("access");
        List<String> actions = new ArrayList<>();
        access.get(0).get("actions").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    static RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD);
    }

    static Map<String, Object> user(String name) {
        return asAdmin().get("/api/v1/users/{u}", name).then().statusCode(200).extract().jsonPath().getMap("");
    }

    /** The role {@code user} holds in {@code team}, or null when not a member. */
    static String role(String team, String user) {
        Response members = asAdmin().get("/api/v1/teams/{t}/members", team);
        if (members.statusCode() == 404) {
            return null;
        }
        List<Map<String, Object>> items = members.then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(m -> user.equals(m.get("username"))).map(m -> (String) m.get("role"))
                .findFirst().orElse(null);
    }

    long binds() {
        return (long) meters.get("portcullis.directory.binds").functionCounter().count();
    }

    @Test
    void dockerLoginWithTheDirectoryPasswordMakesTheAccountWithItsPersonalNamespace() throws Exception {
        assertEquals(404, asAdmin().get("/api/v1/users/heidi").statusCode(), "no account before the first sign-in");
        assertEquals(List.of("pull", "push"), granted(token("heidi", PASSWORD, "repository:heidi/app:pull,push")));
        Map<String, Object> heidi = user("heidi");
        assertEquals("ldap", heidi.get("source"));
        assertEquals("heidi@example.org", heidi.get("email"));
        assertEquals("Heidi", heidi.get("displayName"));
        assertEquals(false, heidi.get("admin"));
        assertEquals("heidi", asAdmin().get("/api/v1/namespaces/heidi").then().statusCode(200).extract()
                .path("name"));
        // The API takes the directory password too, and the account has no local one to change.
        given().auth().preemptive().basic("heidi", PASSWORD).get("/api/v1/users/heidi").then().statusCode(200)
                .body("source", equalTo("ldap"));
        given().auth().preemptive().basic("heidi", PASSWORD).contentType("application/merge-patch+json")
                .body("{\"password\":\"a-local-password\"}").patch("/api/v1/users/heidi").then().statusCode(422);
        assertEquals("local", user(TestUsers.ADMIN).get("source"));
    }

    @Test
    void wrongPasswordsUnknownNamesFilterInjectionAndEmptyPasswordsAreRefused() {
        token("ivan", "not-the-password", "repository:ivan/app:pull").then().statusCode(401);
        token("nobody-here", PASSWORD, "repository:x/app:pull").then().statusCode(401);
        // RFC 4515: these reach the directory escaped, so they match no one rather than everyone.
        for (String injected : List.of("*", "i*", "ivan)(uid=*", "*)(|(uid=*", "ivan\\2a", "ivan\u0000")) {
            token(injected, PASSWORD, "repository:ivan/app:pull").then().statusCode(401);
        }
        long before = binds();
        // An empty password would be an unauthenticated bind, which LDAP answers with success (RFC 4513 §5.1.2).
        token("ivan", "", "repository:ivan/app:pull").then().statusCode(401);
        assertEquals(before, binds(), "no bind is attempted with an empty password");
        assertEquals(404, asAdmin().get("/api/v1/users/ivan").statusCode(), "refused sign-ins make no account");
    }

    @Test
    void aCorrectDirectoryPasswordCostsOneBindPerWindowAndAWrongOneDropsIt() throws Exception {
        sync.run(); // forgets what earlier tests verified
        long before = binds();
        for (int i = 0; i < 10; i++) {
            token("erin", PASSWORD, "repository:erin/app:pull").then().statusCode(200);
        }
        assertEquals(before + 1, binds(), "ten token requests, one bind");
        token("erin", "wrong-password", "repository:erin/app:pull").then().statusCode(401);
        assertEquals(before + 2, binds(), "a wrong password is always asked of the directory");
        token("erin", PASSWORD, "repository:erin/app:pull").then().statusCode(200);
        assertEquals(before + 3, binds(), "after a failure the right password is asked again");
        sync.run();
        token("erin", PASSWORD, "repository:erin/app:pull").then().statusCode(200);
        assertEquals(before + 4, binds(), "after a sync the right password is asked again");
    }

    @Test
    void directoryFailuresCountTowardTheThrottle() {
        for (int i = 0; i < 6; i++) {
            token("frank", "wrong-" + i, "repository:frank/app:pull").then().statusCode(401);
        }
        // The sixth failure blocked the name: even the right password is not checked now.
        token("frank", PASSWORD, "repository:frank/app:pull").then().statusCode(429);
    }

    @Test
    void groupsBecomeTeamsOnSignInAndAtTheSyncBothWays() throws Exception {
        Slapd slapd = SlapdResource.slapd();
        token("alice", PASSWORD, "repository:alice/app:pull").then().statusCode(200);
        token("bob", PASSWORD, "repository:bob/app:pull").then().statusCode(200);
        assertEquals("contributor", role("developers", "alice"), "devs are contributors of developers");
        assertEquals("owner", role("developers", "bob"), "leads (mapped by DN, any case) own developers");
        assertEquals("viewer", role("readers", "bob"));
        assertEquals(null, role("readers", "alice"));
        assertEquals(List.of("pull", "push"), granted(token("alice", PASSWORD, "repository:developers/app:pull,push")));

        // An admin adds alice to readers by hand: the directory never takes that membership away.
        asAdmin().contentType("application/json")
                .body("{\"username\":\"alice\",\"role\":\"viewer\"}").post("/api/v1/teams/readers/members")
                .then().statusCode(201);

        slapd.modify(Slapd.groupDn("devs"), ModificationType.DELETE, "member", Slapd.personDn("alice"));
        slapd.modify(Slapd.groupDn("leads"), ModificationType.ADD, "member", Slapd.personDn("alice"));
        DirectorySync.Outcome outcome = sync.run();
        assertTrue(outcome.completed());
        assertEquals("owner", role("developers", "alice"), "moved from devs to leads: owner now");
        slapd.modify(Slapd.groupDn("leads"), ModificationType.DELETE, "member", Slapd.personDn("alice"));
        sync.run();
        assertEquals(null, role("developers", "alice"), "in no mapped group of developers: out of it");
        assertEquals("viewer", role("readers", "alice"), "the membership an owner made stays");
        token("alice", PASSWORD, "repository:developers/app:pull,push").then().statusCode(200);
        assertEquals(List.of(), granted(token("alice", PASSWORD, "repository:developers/app:pull,push")));
    }

    @Test
    void theAdminGroupMakesAdmins() {
        token("dora", PASSWORD, "repository:dora/app:pull").then().statusCode(200);
        assertEquals(true, user("dora").get("admin"));
        given().auth().preemptive().basic("dora", PASSWORD).get("/api/v1/users").then().statusCode(200);
    }

    @Test
    void peopleDisabledOrGoneInTheDirectoryLoseSignInAndTokensAtTheNextSync() throws Exception {
        Slapd slapd = SlapdResource.slapd();
        token("carol", PASSWORD, "repository:carol/app:pull").then().statusCode(200);
        String appToken = given().auth().preemptive().basic("carol", PASSWORD).contentType("application/json")
                .body("{\"name\":\"ci\"}").post("/api/v1/users/carol/application-tokens").then().statusCode(201)
                .extract().path("token");
        assertEquals(List.of("pull", "push"), granted(token("carol", appToken, "repository:carol/app:pull,push")));

        slapd.modify(Slapd.personDn("carol"), ModificationType.REPLACE, "description", "disabled");
        DirectorySync.Outcome outcome = sync.run();
        assertTrue(outcome.completed());
        assertTrue(outcome.disabled() >= 1, () -> "carol disabled: " + outcome);
        assertEquals(false, user("carol").get("enabled"));
        token("carol", PASSWORD, "repository:carol/app:pull").then().statusCode(401);
        token("carol", appToken, "repository:carol/app:pull").then().statusCode(403)
                .body("errors[0].message", equalTo("account carol is disabled"));

        slapd.modify(Slapd.personDn("carol"), ModificationType.DELETE, "description");
        sync.run();
        assertEquals(true, user("carol").get("enabled"), "back in the directory: enabled again");
        assertEquals(List.of("pull", "push"), granted(token("carol", appToken, "repository:carol/app:pull,push")));

        // An admin's disabling is the admin's: the directory does not undo it.
        asAdmin().contentType("application/merge-patch+json").body("{\"enabled\":false}").patch("/api/v1/users/carol")
                .then().statusCode(200);
        sync.run();
        assertEquals(false, user("carol").get("enabled"));
        asAdmin().contentType("application/merge-patch+json").body("{\"enabled\":true}").patch("/api/v1/users/carol")
                .then().statusCode(200);

        // Gone from the directory altogether.
        token("grace", PASSWORD, "repository:grace/app:pull").then().statusCode(200);
        slapd.delete(Slapd.personDn("grace"));
        sync.run();
        assertEquals(false, user("grace").get("enabled"));
        token("grace", PASSWORD, "repository:grace/app:pull").then().statusCode(401);
    }

    @Test
    void theSignInFormTakesTheDirectoryPassword() {
        Response answer = signInForm().formParam("j_username", "bob").formParam("j_password", PASSWORD)
                .post("/j_security_check");
        assertEquals(302, answer.statusCode() == 303 ? 302 : answer.statusCode(), answer.headers()::toString);
        assertNotNull(answer.getCookie("portcullis-session"), "a session for the directory account");
        given().redirects().follow(false).cookie("portcullis-session", answer.getCookie("portcullis-session"))
                .get("/profile").then().statusCode(200);
    }

    @Test
    void adminsSeeWhereEachAccountComesFrom() {
        token("heidi", PASSWORD, "repository:heidi/app:pull").then().statusCode(200);
        Response signedIn = signInForm().formParam("j_username", TestUsers.ADMIN)
                .formParam("j_password", TestUsers.ADMIN_PASSWORD).post("/j_security_check");
        String page = given().redirects().follow(false)
                .cookie("portcullis-session", signedIn.getCookie("portcullis-session")).get("/admin")
                .then().statusCode(200).extract().asString();
        assertTrue(page.contains("<td class=\"source-ldap\">ldap</td>"), "heidi's row says ldap");
        assertTrue(page.contains("<td class=\"source-local\">local</td>"), "the admin's row says local");
    }

    @Test
    void aDirectoryThatIsDownOrHangsAnswers503AndLocalAccountsGoOn() throws Exception {
        Slapd slapd = SlapdResource.slapd();
        token("bob", PASSWORD, "repository:bob/app:pull").then().statusCode(200);
        sync.run(); // forgets the verified password: the next request must ask the directory
        slapd.pause();
        try {
            // Accepts connections, answers nothing: the response timeout (1 s here) ends the wait.
            token("bob", PASSWORD, "repository:bob/app:pull").then().statusCode(503)
                    .body("errors[0].code", equalTo("UNAVAILABLE"));
            assertEquals(List.of("pull", "push"), granted(token(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD,
                    "repository:admin/app:pull,push")), "the local admin signs in while the directory hangs");
            Response form = signInForm().formParam("j_username", "bob").formParam("j_password", PASSWORD)
                    .post("/j_security_check");
            assertThat303Or302(form, "/login?unavailable=true");
            assertTrue(given().get("/login?unavailable=true").asString().contains("cannot be reached"));
            DirectorySync.Outcome outcome = sync.run();
            assertFalse(outcome.completed());
            assertEquals(0, outcome.disabled(), "nobody is disabled because the directory is down");
        } finally {
            slapd.resume();
        }
        slapd.stopProcess();
        try {
            token("bob", PASSWORD, "repository:bob/app:pull").then().statusCode(503);
            granted(token(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD, "repository:admin/app:pull"));
        } finally {
            slapd.startProcess();
        }
        token("bob", PASSWORD, "repository:bob/app:pull").then().statusCode(200);
        assertEquals(true, user("bob").get("enabled"));
    }

    @Test
    void aLocalAccountsNameIsNeverTheDirectorys() {
        // judy exists in the directory too; the local account of that name keeps its own password.
        asAdmin().contentType("application/json")
                .body("{\"username\":\"judy\",\"password\":\"local-password\",\"email\":\"judy@local.test\"}")
                .post("/api/v1/users").then().statusCode(201);
        token("judy", PASSWORD, "repository:judy/app:pull").then().statusCode(401);
        token("judy", "local-password", "repository:judy/app:pull").then().statusCode(200);
        assertEquals("local", user("judy").get("source"));
    }

    private static void assertThat303Or302(Response answer, String location) {
        assertTrue(answer.statusCode() == 302 || answer.statusCode() == 303, answer.headers()::toString);
        assertThat(answer.header("Location"), location);
    }

    private static void assertThat(String header, String endsWith) {
        assertNotNull(header);
        assertTrue(header.endsWith(endsWith), header);
    }

    /** A sign-in form as the sign-in page hands it out: its CSRF cookie and the matching hidden field. */
    static RequestSpecification signInForm() {
        Response page = given().get("/login");
        page.then().statusCode(200);
        Matcher m = CSRF_FIELD.matcher(page.asString());
        assertTrue(m.find(), "no CSRF field on /login");
        return given().redirects().follow(false).cookie("portcullis-csrf", page.getCookie("portcullis-csrf"))
                .formParam("csrf-token", m.group(1));
    }
}
