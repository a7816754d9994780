package dev.portcullis.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.policy.Subject;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The repository API over what the sink recorded (the end-to-end tests cover the registry side). */
@QuarkusTest
class RepositoriesResourceTest {

    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    static String event(String action, String repository, String tag, String digest, String actor, String time,
            String method) {
        return """
                {"id":"%s","timestamp":"%s","action":"%s","target":{"mediaType":"%s","size":400,"digest":"%s",
                 "repository":"%s","url":"http://r/v2/%s/manifests/%s"%s},
                 "request":{"method":"%s","useragent":"test"},"actor":{"name":"%s"}}"""
                .formatted(UUID.randomUUID(), time, action, MANIFEST, digest, repository, repository, digest,
                        tag == null ? "" : ",\"tag\":\"" + tag + "\"", method, actor);
    }

    static void deliver(String... events) {
        given().header("Authorization", "Bearer test-events-secret").contentType(ContentType.JSON)
                .body("{\"events\":[" + String.join(",", events) + "]}")
                .post("/v2/webhooks/events").then().statusCode(200);
    }

    static String push(String repository, String tag, String digest, String actor, String time) {
        return event("push", repository, tag, digest, actor, time, "PUT");
    }

    static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user,
                user.equals(TestUsers.ADMIN) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD);
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    @Test
    void ownersSeeTheirRepositoriesWithTagsAndOthersDoNot() {
        String alice = TestUsers.create("alice");
        String bob = TestUsers.create("bob");
        deliver(push(alice + "/web", "1", digest('a'), alice, "2026-11-27T01:00:00Z"),
                push(alice + "/web", "latest", digest('a'), alice, "2026-11-27T01:00:01Z"),
                push(alice + "/db", "1", digest('b'), alice, "2026-11-27T01:00:02Z"));

        as(alice).get("/api/v1/repositories/" + alice + "/web").then().statusCode(200)
                .body("name", equalTo(alice + "/web"))
                .body("namespace", equalTo(alice))
                .body("tags.name", equalTo(List.of("latest", "1")))
                .body("tags[0].digest", equalTo(digest('a')))
                .body("tags[0].pushedBy", equalTo(alice))
                .body("tags[0].mediaType", equalTo(MANIFEST))
                .body("tags[0].detailsPending", equalTo(true));
        as(alice).get("/api/v1/repositories/" + alice + "/web/tags/1").then().statusCode(200)
                .body("name", equalTo("1"));
        as(alice).get("/api/v1/repositories/" + alice + "/web/tags/nope").then().statusCode(404);
        as(bob).get("/api/v1/repositories/" + alice + "/web").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/repositories/" + alice + "/web").then().statusCode(404);
        as(bob).get("/api/v1/repositories").then().statusCode(200)
                .body("items.name", not(hasItem(alice + "/web")));
        as(alice).queryParam("namespace", alice).get("/api/v1/repositories").then().statusCode(200)
                .body("items.name", equalTo(List.of(alice + "/db", alice + "/web")))
                .body("items[1].tags", equalTo(2));
        as(TestUsers.ADMIN).queryParam("q", alice + "/w").get("/api/v1/repositories").then().statusCode(200)
                .body("items.name", equalTo(List.of(alice + "/web")));
    }

    @Test
    void eventsOutOfOrderLeaveTheNewestState() {
        String carol = TestUsers.create("carol");
        String repo = carol + "/app";
        deliver(push(repo, "1", digest('c'), carol, "2026-11-27T02:00:05Z"));
        deliver(push(repo, "1", digest('d'), carol, "2026-11-27T02:00:01Z")); // an older push arriving late
        as(carol).get("/api/v1/repositories/" + repo).then().body("tags[0].digest", equalTo(digest('c')));
        // A delete of the digest, older than the push that set it, does not remove the tag.
        deliver(event("delete", repo, null, digest('c'), carol, "2026-11-27T02:00:00Z", "DELETE"));
        as(carol).get("/api/v1/repositories/" + repo).then().body("tags", hasSize(1));
        deliver(event("delete", repo, null, digest('c'), carol, "2026-11-27T02:00:09Z", "DELETE"));
        as(carol).get("/api/v1/repositories/" + repo).then().statusCode(200).body("tags", hasSize(0));
    }

    @Test
    void pullsCountOnGetByOthersAndSortTheList() {
        String dave = TestUsers.create("dave");
        deliver(push(dave + "/popular", "1", digest('e'), dave, "2026-11-27T03:00:00Z"),
                push(dave + "/quiet", "1", digest('f'), dave, "2026-11-27T03:00:01Z"),
                event("pull", dave + "/popular", "1", digest('e'), dave, "2026-11-27T03:00:02Z", "GET"),
                event("pull", dave + "/popular", "1", digest('e'), dave, "2026-11-27T03:00:03Z", "GET"),
                event("pull", dave + "/popular", "1", digest('e'), dave, "2026-11-27T03:00:04Z", "HEAD"),
                event("pull", dave + "/quiet", "1", digest('f'), Subject.INTERNAL_NAME,
                        "2026-11-27T03:00:05Z", "GET"));
        as(dave).get("/api/v1/repositories/" + dave + "/popular").then()
                .body("pulls", equalTo(2)).body("tags[0].lastPulledAt", equalTo("2026-11-27T03:00:03Z"));
        as(dave).get("/api/v1/repositories/" + dave + "/quiet").then().body("pulls", equalTo(0));
        as(dave).queryParam("namespace", dave).queryParam("sort", "pulls").get("/api/v1/repositories")
                .then().body("items.name", equalTo(List.of(dave + "/popular", dave + "/quiet")));
        as(dave).queryParam("namespace", dave).queryParam("sort", "pushed").get("/api/v1/repositories")
                .then().body("items.name", equalTo(List.of(dave + "/quiet", dave + "/popular")));
    }

    @Test
    void theListIsKeysetPaginatedInEverySort() {
        String erin = TestUsers.create("erin");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(push(erin + "/r" + i, "1", digest((char) ('0' + i)), erin, "2026-11-27T04:00:0" + i + "Z"));
        }
        deliver(events.toArray(String[]::new));
        for (String sort : List.of("name", "pushed", "pulls")) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                RequestSpecification request = as(erin).queryParam("namespace", erin).queryParam("sort", sort)
                        .queryParam("limit", 2);
                if (cursor != null) {
                    request.queryParam("cursor", cursor);
                }
                Response page = request.get("/api/v1/repositories");
                page.then().statusCode(200);
                seen.addAll(page.path("items.name"));
                cursor = page.path("next");
            } while (cursor != null);
            assertEquals(5, seen.size(), sort + ": " + seen);
            assertEquals(5, seen.stream().distinct().count(), sort + ": " + seen);
        }
    }

    @Test
    void badListQueriesAreClearErrors() {
        given().queryParam("sort", "size").get("/api/v1/repositories").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", 0).get("/api/v1/repositories").then().statusCode(400);
        given().queryParam("namespace", "Bad Name").get("/api/v1/repositories").then().statusCode(400);
        given().queryParam("sort", "pushed").queryParam("cursor", "bm9wZQ").get("/api/v1/repositories")
                .then().statusCode(400);
    }

    @Test
    void ownersDescribeAndUsersStar() {
        String frank = TestUsers.create("frank");
        String grace = TestUsers.create("grace");
        deliver(push(frank + "/tool", "1", digest('9'), frank, "2026-11-27T05:00:00Z"));
        as(frank).contentType("application/merge-patch+json").body(Map.of("description", "# Tool\nDoes things."))
                .patch("/api/v1/repositories/" + frank + "/tool").then().statusCode(200)
                .body("description", startsWith("# Tool"));
        as(grace).contentType(ContentType.JSON).body(Map.of("description", "mine now"))
                .patch("/api/v1/repositories/" + frank + "/tool").then().statusCode(404);
        as(frank).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .patch("/api/v1/repositories/" + frank + "/tool").then().statusCode(422);
        as(frank).put("/api/v1/repositories/" + frank + "/tool/star").then().statusCode(204);
        as(frank).put("/api/v1/repositories/" + frank + "/tool/star").then().statusCode(204);
        as(frank).get("/api/v1/repositories/" + frank + "/tool").then().body("stars", equalTo(1))
                .body("starred", equalTo(true));
        as(frank).delete("/api/v1/repositories/" + frank + "/tool/star").then().statusCode(204);
        as(frank).get("/api/v1/repositories/" + frank + "/tool").then().body("stars", equalTo(0));
        given().put("/api/v1/repositories/" + frank + "/tool/star").then().statusCode(401);
    }

    @Test
    void searchFindsOnlyWhatTheCallerMaySee() {
        String heidi = TestUsers.create("heidi");
        String ivan = TestUsers.create("ivan");
        deliver(push(heidi + "/needle", "1", digest('8'), heidi, "2026-11-27T06:00:00Z"));
        as(heidi).queryParam("q", "needle").get("/api/v1/search").then().statusCode(200)
                .body("repositories", hasItem(heidi + "/needle"));
        as(ivan).queryParam("q", "needle").get("/api/v1/search").then().statusCode(200)
                .body("repositories", not(hasItem(heidi + "/needle")));
        as(heidi).queryParam("q", heidi).get("/api/v1/search").then().body("namespaces", hasItem(heidi));
        given().get("/api/v1/search").then().statusCode(400);
    }

    @Test
    void theRegistryStatusIsForAdmins() {
        as(TestUsers.ADMIN).get("/api/v1/registry/status").then().statusCode(200)
                .body("url", startsWith("http://127.0.0.1:"))
                .body("events.stored", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        String judy = TestUsers.create("judy");
        as(judy).get("/api/v1/registry/status").then().statusCode(403);
        as(judy).post("/api/v1/registry/reconciliations").then().statusCode(403);
    }

    @Test
    void theFeedFiltersByTagActorAndTimeAndExportsCsv() {
        String kim = TestUsers.create("kim");
        String repo = kim + "/csv";
        deliver(push(repo, "1", digest('7'), kim, "2026-11-20T00:00:00Z"),
                push(repo, "2", digest('6'), kim, "2026-11-21T00:00:00Z"));
        as(kim).queryParam("repository", repo).queryParam("tag", "2").get("/api/v1/activities")
                .then().statusCode(200).body("items.tag", equalTo(List.of("2")));
        as(kim).queryParam("repository", repo).queryParam("from", "2026-11-20T12:00:00Z").get("/api/v1/activities")
                .then().body("items.tag", equalTo(List.of("2")));
        as(kim).queryParam("repository", repo).queryParam("to", "2026-11-20T12:00:00Z").get("/api/v1/activities")
                .then().body("items.tag", equalTo(List.of("1")));
        as(kim).queryParam("actor", kim).queryParam("action", "push").get("/api/v1/activities")
                .then().body("items", hasSize(2));
        as(kim).queryParam("from", "yesterday").get("/api/v1/activities").then().statusCode(400);

        String csv = as(kim).accept("text/csv").queryParam("repository", repo).get("/api/v1/activities")
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals("timestamp,action,actor,namespace,repository,tag,digest,team,user,detail", lines[0]);
        assertEquals(3, lines.length, csv);
        assertTrue(lines[1].startsWith("2026-11-21T00:00:00Z,push," + kim + "," + kim + "," + repo + ",2,"), lines[1]);
    }

    @Test
    void csvCellsAreQuotedAndCannotBecomeFormulas() {
        assertEquals("\"a,b\"", dev.portcullis.events.CsvCells.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", dev.portcullis.events.CsvCells.cell("say \"hi\""));
        assertEquals("'=1+1", dev.portcullis.events.CsvCells.cell("=1+1"));
        assertEquals("", dev.portcullis.events.CsvCells.cell(null));
    }
}
