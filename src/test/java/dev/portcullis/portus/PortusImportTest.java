package dev.portcullis.portus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.MariaDbTestResource;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Portus 2.4 database (Portus's schema, rows as Portus writes them) imported through the admin API: a dry run
 * writes nothing, the real run brings users, teams, roles, namespaces, tags, tokens, webhooks and history, old
 * passwords and tokens work at the token endpoint with the roles Portus gave, and a second run changes nothing.
 */
@QuarkusTest
class PortusImportTest {

    static final String SERVICE = "registry.test";
    static final ObjectMapper JSON = new ObjectMapper();

    static Response importing(PortusFixture portus, boolean dryRun) {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .contentType(ContentType.JSON)
                .body(Map.of("url", portus.url(), "user", "root", "password", "", "dryRun", dryRun))
                .post("/api/v1/imports/portus");
    }

    static long count(String sql, Object... args) throws Exception {
        try (Connection c = MariaDbTestResource.server().connect()) {
            return Rows.count(c, sql, args);
        }
    }

    static String text(String sql, Object... args) throws Exception {
        try (Connection c = MariaDbTestResource.server().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The actions the token endpoint grants on one repository. */
    static Set<String> granted(String user, String secret, String repository) throws Exception {
        var request = given().queryParam("service", SERVICE).queryParam("scope", "repository:" + repository
                + ":pull,push");
        if (user != null) {
            request = request.auth().preemptive().basic(user, secret);
        }
        String jwt = request.get("/v2/token").then().statusCode(200).extract().path("token");
        JsonNode access = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).get("access");
        Set<String> actions = new HashSet<>();
        for (JsonNode entry : access) {
            entry.get("actions").forEach(a -> actions.add(a.asText()));
        }
        return actions;
    }

    static int writes(JsonPath report) {
        Map<String, Map<String, Integer>> kinds = report.getMap("kinds");
        return kinds.values().stream().mapToInt(c -> c.get("created") + c.get("changed")).sum();
    }

    @Test
    void dryRunThenImportThenNothingMore() throws Exception {
        String p = "pt" + System.nanoTime() % 100_000 + "x";
        PortusFixture portus = new PortusFixture(p);
        portus.create();

        JsonPath dry = importing(portus, true).then().statusCode(200).extract().jsonPath();
        assertTrue(dry.getBoolean("dryRun"));
        assertEquals(6, dry.getInt("kinds.users.created"), dry.prettify());
        assertEquals(0, count("SELECT COUNT(*) FROM users WHERE username LIKE ?", p + "%"), "a dry run writes nothing");
        assertEquals(0, count("SELECT COUNT(*) FROM teams WHERE name = ?", p + "dev"));

        JsonPath real = importing(portus, false).then().statusCode(200).extract().jsonPath();
        assertEquals(false, real.getBoolean("dryRun"));
        assertEquals(6, real.getInt("kinds.users.created"), real.prettify());
        assertEquals(2, real.getInt("kinds.users.skipped"), "portus and the admin of another email");
        List<String> conflicts = real.getList("conflicts.portus");
        assertTrue(conflicts.contains(p + "Erin..X") && conflicts.contains("admin"), real.prettify());
        assertEquals("imported as '" + p + "erin_x': the user signs in with that name",
                real.getString("conflicts.find { it.portus == '" + p + "Erin..X' }.resolution"));

        // Users as Portus had them: bot, LDAP account, admin flag, display name.
        assertEquals("1", text("SELECT bot FROM users WHERE username = ?", p + "ci"));
        assertEquals("LDAP", text("SELECT source FROM users WHERE username = ?", p + "ldapdan"));
        assertNull(text("SELECT password_hash FROM users WHERE username = ?", p + "ldapdan"));
        assertEquals(p + "ldapdan", text("SELECT external_id FROM users WHERE username = ?", p + "ldapdan"));
        assertEquals("1", text("SELECT admin FROM users WHERE username = ?", p + "carol"));
        assertEquals("Alice", text("SELECT display_name FROM users WHERE username = ?", p + "alice"));
        assertTrue(text("SELECT password_hash FROM users WHERE username = ?", p + "alice").startsWith("$2a$10$"));
        // Teams, roles, namespaces and their visibility.
        assertEquals("Developers", text("SELECT description FROM teams WHERE name = ?", p + "dev"));
        assertEquals("OWNER,VIEWER,CONTRIBUTOR", text("SELECT GROUP_CONCAT(m.role ORDER BY u.id) FROM team_members m"
                + " JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id WHERE t.name = ?", p + "dev"));
        assertEquals(0, count("SELECT COUNT(*) FROM teams WHERE name = ?", p + "alice"), "hidden teams stay behind");
        assertEquals("TEAM PRIVATE " + p + "dev", text("SELECT CONCAT(n.kind, ' ', n.visibility, ' ', t.name)"
                + " FROM namespaces n JOIN teams t ON t.id = n.team_id WHERE n.name = ?", p + "dev"));
        assertEquals("PUBLIC", text("SELECT visibility FROM namespaces WHERE name = ?", p + "pub"));
        assertEquals("TEAM", text("SELECT kind FROM namespaces WHERE name = ? AND team_id IS NULL", p + "orphan"));
        assertEquals("PERSONAL " + p + "alice", text("SELECT CONCAT(n.kind, ' ', u.username) FROM namespaces n"
                + " JOIN users u ON u.id = n.owner_user_id WHERE n.name = ?", p + "alice"));
        // Repositories, tags with digest and pusher, stars.
        assertEquals("sha256:" + "a".repeat(64) + " " + p + "alice", text("SELECT CONCAT(t.digest, ' ', t.pushed_by)"
                + " FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.name = ? AND t.name = '1.0'",
                p + "dev/app"));
        assertEquals("1", text("SELECT tag_count FROM repositories WHERE name = ?", p + "dev/app"));
        assertEquals("gone-user", text("SELECT t.pushed_by FROM tags t JOIN repositories r ON r.id = t.repository_id"
                + " WHERE r.name = ?", p + "box"));
        assertEquals(1, count("SELECT COUNT(*) FROM stars s JOIN repositories r ON r.id = s.repository_id"
                + " WHERE r.name = ?", p + "dev/app"));
        // Webhooks in Portus's format with their headers; the history in the feed.
        String headers = text("SELECT w.headers FROM webhooks w JOIN namespaces n ON n.id = w.namespace_id"
                + " WHERE n.name = ? AND w.format = 'portus'", p + "dev");
        assertTrue(headers.contains("\"X-Team\":\"dev\"") && headers.contains("\"Authorization\":\"Basic "), headers);
        assertEquals(3, count("SELECT COUNT(*) FROM activities WHERE namespace LIKE ? OR team = ?", p + "%",
                p + "dev"));
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .queryParam("repository", p + "dev/app").get("/api/v1/activities")
                .then().statusCode(200).body(containsString("\"tag\":\"1.0\""));

        // The old password works at the token endpoint, and becomes a hash of ours.
        assertEquals(Set.of("pull", "push"), granted(p + "alice", PortusFixture.ALICE_PASSWORD, p + "alice/tool"));
        assertTrue(text("SELECT password_hash FROM users WHERE username = ?", p + "alice").startsWith("$2a$12$"));
        assertEquals(Set.of("pull", "push"), granted(p + "alice", PortusFixture.ALICE_PASSWORD, p + "alice/tool"));
        // Portus tokens work as docker login sends them (username and token), twice (the second from the cache).
        assertEquals(Set.of("pull", "push"), granted(p + "alice", PortusFixture.ALICE_TOKEN, p + "dev/app"));
        assertEquals(Set.of("pull", "push"), granted(p + "alice", PortusFixture.ALICE_TOKEN, p + "dev/app"));
        assertEquals(Set.of("pull"), granted(p + "ci", PortusFixture.CI_TOKEN, p + "pub/web"));
        given().queryParam("service", SERVICE).auth().preemptive().basic(p + "bob", PortusFixture.ALICE_TOKEN)
                .get("/v2/token").then().statusCode(401);
        // Portus's roles and visibility decide: a viewer pulls, a contributor pushes, private stays private.
        assertEquals(Set.of("pull"), granted(p + "bob", "someone-elses-password", p + "dev/app"));
        assertEquals(Set.of("pull", "push"), granted(p + "carol", "someone-elses-password", p + "dev/app"));
        assertEquals(Set.of(), granted(null, null, p + "dev/app"));
        assertEquals(Set.of("pull"), granted(null, null, p + "pub/web"));

        JsonPath again = importing(portus, false).then().statusCode(200).extract().jsonPath();
        assertEquals(0, writes(again), again.prettify());
        assertEquals(6, again.getInt("kinds.users.unchanged"));
        assertEquals(List.of("admin", "1 tags"), again.getList("conflicts.portus"),
                "a conflict left unresolved is reported again: " + again.prettify());
        assertEquals(0, writes(importing(portus, true).then().statusCode(200).extract().jsonPath()));

        // What Portus changed since (Portus still running until the switch) comes over on the next run.
        try (Connection c = MariaDbTestResource.server().connect()) {
            c.setCatalog(portus.database);
            PortusFixture.exec(c, "UPDATE team_users SET role = 1 WHERE user_id = 3 AND team_id = 20");
            PortusFixture.exec(c, "UPDATE namespaces SET visibility = 1 WHERE id = 9");
        }
        JsonPath caughtUp = importing(portus, false).then().statusCode(200).extract().jsonPath();
        assertEquals(1, caughtUp.getInt("kinds.members.changed"), caughtUp.prettify());
        assertEquals(1, caughtUp.getInt("kinds.namespaces.changed"), caughtUp.prettify());
        assertEquals(2, writes(caughtUp));
        assertEquals(Set.of("pull", "push"), granted(p + "bob", "someone-elses-password", p + "dev/app"),
                "bob became a contributor in Portus");
        assertEquals("PROTECTED", text("SELECT visibility FROM namespaces WHERE name = ?", p + "dev"));

        // A Portus token is listed and revoked like ours; revoked, it stops at once (the cache notwithstanding).
        JsonPath tokens = given().auth().preemptive().basic(p + "alice", PortusFixture.ALICE_PASSWORD)
                .get("/api/v1/users/" + p + "alice/application-tokens").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("laptop"), tokens.getList("items.name"));
        given().auth().preemptive().basic(p + "alice", PortusFixture.ALICE_PASSWORD)
                .delete("/api/v1/users/" + p + "alice/application-tokens/" + tokens.getLong("items[0].id"))
                .then().statusCode(204);
        given().queryParam("service", SERVICE).auth().preemptive().basic(p + "alice", PortusFixture.ALICE_TOKEN)
                .get("/v2/token").then().statusCode(401);
    }

    @Test
    void portusIsNeverWritten() throws Exception {
        PortusFixture portus = new PortusFixture("pw" + System.nanoTime() % 100_000 + "x");
        portus.create();
        try (Connection c = new PortusSource(portus.url(), "root", "").open();
                java.sql.Statement s = c.createStatement()) {
            assertTrue(c.isReadOnly());
            java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeUpdate("UPDATE users SET admin = 1"));
            assertTrue(refused.getMessage().contains("READ ONLY"), refused.getMessage());
        }
    }

    @Test
    void badInputIsAProblem() {
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("url", "http://portus.example/", "user", "portus"))
                .post("/api/v1/imports/portus")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("jdbc:mariadb://"));
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("url", "jdbc:mariadb://127.0.0.1:1/portus?allowLocalInfile=true", "user", "portus"))
                .post("/api/v1/imports/portus")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("allowLocalInfile"));
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("url", MariaDbTestResource.server().serverJdbcUrl() + "no_such_db", "user", "root"))
                .post("/api/v1/imports/portus")
                .then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void onlyAdminsImport() {
        String user = TestUsers.create("imp");
        given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("url", "jdbc:mariadb://127.0.0.1:1/portus", "user", "portus"))
                .post("/api/v1/imports/portus")
                .then().statusCode(403).body("status", equalTo(403));
    }
}
