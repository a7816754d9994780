package dev.portcullis.access;

import static dev.portcullis.access.AccessApi.as;
import static dev.portcullis.access.AccessApi.asAdmin;
import static dev.portcullis.access.AccessApi.names;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an application token limited to namespaces, or read-only, may still do through the API. A leaked CI token
 * limited to namespace {@code ci} must manage nothing but the repositories inside {@code ci} (their descriptions
 * and tags), see nothing outside it in any list, and carry no admin power outside it; a read-only token changes
 * nothing. Each refusal is checked in the state too, not only in the status.
 */
@QuarkusTest
class LimitedTokensTest {

    String owner;
    String team;
    String ci;
    String other;
    String outsider;

    @BeforeEach
    void namespacesWithImages() {
        owner = TestUsers.create("lim");
        team = AccessApi.createTeam(owner);
        ci = AccessApi.createNamespace(owner, team, "private");
        other = AccessApi.createNamespace(owner, team, "private");
        outsider = TestUsers.create("out");
        push(ci + "/app");
        push(other + "/app");
    }

    @Test
    void aTokenLimitedToOneNamespaceManagesNoTeamOrNamespace() {
        Supplier<RequestSpecification> ciToken = token(owner, Map.of("name", "ci", "namespaces", List.of(ci)));

        ciToken.get().body(Map.of("username", outsider, "role", "owner")).post("/api/v1/teams/{t}/members", team)
                .then().statusCode(404);
        assertFalse(memberNames().contains(outsider), "nobody was added to the team");

        ciToken.get().contentType(AccessApi.MERGE_PATCH).body("{\"visibility\":\"public\"}")
                .patch("/api/v1/namespaces/{n}", other).then().statusCode(404);
        ciToken.get().contentType(AccessApi.MERGE_PATCH).body("{\"visibility\":\"public\"}")
                .patch("/api/v1/namespaces/{n}", ci).then().statusCode(403);
        ciToken.get().contentType(AccessApi.MERGE_PATCH).body("{\"description\":\"taken over\"}")
                .patch("/api/v1/namespaces/{n}", ci).then().statusCode(403);
        for (String ns : List.of(ci, other)) {
            Map<String, Object> seen = as(owner).get("/api/v1/namespaces/{n}", ns).then().statusCode(200)
                    .extract().jsonPath().getMap("");
            assertEquals("private", seen.get("visibility"), ns);
            assertTrue(seen.get("description") == null, ns + ": " + seen.get("description"));
        }

        ciToken.get().delete("/api/v1/namespaces/{n}", other).then().statusCode(404);
        ciToken.get().delete("/api/v1/namespaces/{n}", ci).then().statusCode(403);
        ciToken.get().delete("/api/v1/teams/{t}", team).then().statusCode(404);
        as(owner).get("/api/v1/namespaces/{n}", other).then().statusCode(200);
        as(owner).get("/api/v1/teams/{t}", team).then().statusCode(200);

        String newTeam = AccessApi.unique("team");
        ciToken.get().body(Map.of("name", newTeam)).post("/api/v1/teams").then().statusCode(403);
        as(owner).get("/api/v1/teams/{t}", newTeam).then().statusCode(404);
        String newNamespace = AccessApi.unique("ns");
        ciToken.get().body(Map.of("name", newNamespace, "team", team)).post("/api/v1/namespaces").then()
                .statusCode(403);
        as(owner).get("/api/v1/namespaces/{n}", newNamespace).then().statusCode(404);
    }

    @Test
    void aTokenLimitedToOneNamespaceDescribesOnlyItsRepositories() {
        Supplier<RequestSpecification> ciToken = token(owner, Map.of("name", "ci", "namespaces", List.of(ci)));
        ciToken.get().contentType(AccessApi.MERGE_PATCH).body("{\"description\":\"built by CI\"}")
                .patch("/api/v1/repositories/" + ci + "/app").then().statusCode(200);
        ciToken.get().contentType(AccessApi.MERGE_PATCH).body("{\"description\":\"not mine\"}")
                .patch("/api/v1/repositories/" + other + "/app").then().statusCode(404);
        assertEquals("built by CI", as(owner).get("/api/v1/repositories/" + ci + "/app").then().statusCode(200)
                .extract().path("description"));
        String untouched = as(owner).get("/api/v1/repositories/" + other + "/app").then().statusCode(200)
                .extract().path("description");
        assertEquals(null, untouched);
        ciToken.get().put("/api/v1/repositories/" + other + "/app/star").then().statusCode(404);
    }

    @Test
    void everyListShowsOnlyTheTokensNamespaces() {
        Supplier<RequestSpecification> ciToken = token(owner, Map.of("name", "ci", "namespaces", List.of(ci)));
        List<String> repositories = ciToken.get().queryParam("limit", 200).get("/api/v1/repositories").then()
                .statusCode(200).extract().jsonPath().getList("items.name");
        assertEquals(List.of(ci + "/app"), repositories.stream().filter(r -> r.startsWith(ci) || r.startsWith(other))
                .toList());
        assertTrue(repositories.stream().allMatch(r -> r.startsWith(ci + "/")), repositories.toString());

        Map<String, List<String>> found = ciToken.get().queryParam("q", "app").get("/api/v1/search").then()
                .statusCode(200)
                .extract().jsonPath().getMap("");
        assertEquals(List.of(ci + "/app"), found.get("repositories"));
        assertEquals(List.of(), found.get("teams"));
        Map<String, List<String>> namespaces = ciToken.get().queryParam("q", ci).get("/api/v1/search").then()
                .statusCode(200).extract().jsonPath().getMap("");
        assertEquals(List.of(ci), namespaces.get("namespaces"));

        List<String> feed = ciToken.get().queryParam("limit", 200).get("/api/v1/activities").then().statusCode(200)
                .extract().jsonPath().getList("items.namespace");
        assertFalse(feed.isEmpty(), "the push into " + ci + " shows");
        assertTrue(feed.stream().allMatch(ci::equals), feed.toString());

        assertEquals(List.of(ci), names(ciToken.get().queryParam("limit", 200).get("/api/v1/namespaces").then()
                .statusCode(200).extract().jsonPath().getList("items")));
        assertEquals(List.of(), ciToken.get().get("/api/v1/teams").then().statusCode(200).extract().jsonPath()
                .getList("items"));
        // The owner's full token still sees both, and the team.
        List<String> all = as(owner).queryParam("limit", 200).get("/api/v1/repositories").then().statusCode(200)
                .extract().jsonPath().getList("items.name");
        assertTrue(all.containsAll(List.of(ci + "/app", other + "/app")), all.toString());
    }

    @Test
    void anAdminsLimitedTokenIsNoAdminOutsideItsNamespaces() {
        Supplier<RequestSpecification> adminCi = token(TestUsers.ADMIN,
                Map.of("name", "ci", "namespaces", List.of(ci)));
        adminCi.get().get("/api/v1/users").then().statusCode(403);
        adminCi.get().get("/api/v1/users/{u}", owner).then().statusCode(404);
        adminCi.get().post("/api/v1/registry/reconciliations").then().statusCode(403);
        adminCi.get().get("/api/v1/registry/status").then().statusCode(403);
        List<String> feed = adminCi.get().queryParam("limit", 200).get("/api/v1/activities").then().statusCode(200)
                .extract().jsonPath().getList("items.namespace");
        assertTrue(feed.stream().allMatch(ci::equals), feed.toString());
        assertEquals(List.of(ci), names(adminCi.get().queryParam("limit", 200).get("/api/v1/namespaces").then()
                .statusCode(200).extract().jsonPath().getList("items")));
    }

    @Test
    void aReadOnlyTokenChangesNothing() {
        AccessApi.addMember(team, owner, outsider, "viewer");
        Supplier<RequestSpecification> readOnly = token(outsider, Map.of("name", "ro", "readOnly", true));
        readOnly.get().delete("/api/v1/teams/{t}/members/{u}", team, outsider).then().statusCode(403);
        assertTrue(memberNames().contains(outsider), "still a member");

        Supplier<RequestSpecification> adminReadOnly = token(TestUsers.ADMIN, Map.of("name", "ro", "readOnly", true));
        adminReadOnly.get().post("/api/v1/registry/reconciliations").then().statusCode(403);
        readOnly.get().put("/api/v1/repositories/" + ci + "/app/star").then().statusCode(403);
    }

    private List<String> memberNames() {
        return as(owner).get("/api/v1/teams/{t}/members", team).then().statusCode(200).extract().jsonPath()
                .getList("items.username");
    }

    /** A new application token of {@code user}: each call of the supplier starts a request with it (HTTP Basic). */
    private static Supplier<RequestSpecification> token(String user, Map<String, Object> spec) {
        RequestSpecification creator = TestUsers.ADMIN.equals(user) ? asAdmin() : as(user);
        String secret = creator.body(spec).post("/api/v1/users/{u}/application-tokens", user).then().statusCode(201)
                .extract().path("token");
        return () -> given().auth().preemptive().basic(user, secret).contentType(ContentType.JSON);
    }

    /** A manifest push by tag, as the registry reports it. */
    static void push(String repository) {
        String id = UUID.randomUUID().toString();
        String event = """
                {"events":[{"id":"%s","timestamp":"%s","action":"push",
                 "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":418,
                   "digest":"sha256:%s","repository":"%s","url":"http://r/v2/%s/manifests/1","tag":"1"},
                 "request":{"id":"r","method":"PUT"},"actor":{"name":"ci"}}]}"""
                .formatted(id, Instant.now(), "ab".repeat(32), repository, repository);
        given().header("Authorization", "Bearer test-events-secret").contentType(ContentType.JSON).body(event)
                .post("/v2/webhooks/events").then().statusCode(200);
    }
}
