package dev.portcullis.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.MariaDbTestResource;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventsResourceTest {

    static final String SECRET = "test-events-secret";
    static final String MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

    @Inject
    AgroalDataSource dataSource;

    static String event(String id, String action, String repository, String tag, String method, String time) {
        return """
                {"id":"%s","timestamp":"%s","action":"%s",
                 "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":418,
                   "digest":"sha256:df34a9219dad8e61743935ad97594c212c857d28ca3eebefd0ab522098e68ca3",
                   "length":418,"repository":"%s","url":"http://r/v2/%s/manifests/sha256:df34","tag":"%s"},
                 "request":{"id":"r1","addr":"127.0.0.1:1","host":"r","method":"%s","useragent":"skopeo/1.9.3"},
                 "actor":{"name":"alice"},"source":{"addr":"vm:5000","instanceID":"i1"}}"""
                .formatted(id, time, action, repository, repository, tag, method);
    }

    static String envelope(String... events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    static Response deliver(String body) {
        return given().header("Authorization", "Bearer " + SECRET).contentType(MEDIA_TYPE).body(body)
                .post("/v2/webhooks/events");
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }

    static Response activities(String query) {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .get("/api/v1/activities" + query);
    }

    @Test
    void theSecretIsRequired() {
        given().contentType(MEDIA_TYPE).body(envelope()).post("/v2/webhooks/events")
                .then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        given().header("Authorization", "Bearer wrong").contentType(MEDIA_TYPE).body(envelope())
                .post("/v2/webhooks/events").then().statusCode(401);
        given().header("Authorization", "Basic " + SECRET).contentType(MEDIA_TYPE).body(envelope())
                .post("/v2/webhooks/events").then().statusCode(401);
    }

    @Test
    void aMalformedEnvelopeIsA400InTheRegistryShape() {
        deliver("{\"nope\":1}").then().statusCode(400).body("errors[0].code", equalTo("UNSUPPORTED"));
        deliver("garbage").then().statusCode(400);
    }

    @Test
    void aRetriedEventIsStoredOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = envelope(event(id, "push", "alice/once", "1", "PUT", "2026-11-27T01:39:03.510550211Z"));
        deliver(body).then().statusCode(200).body("stored", equalTo(1));
        deliver(body).then().statusCode(200).body("stored", equalTo(0)).body("duplicates", equalTo(1));
        given().header("Authorization", "Bearer " + SECRET).contentType("application/json").body(body)
                .post("/v2/webhooks/events").then().statusCode(200);
        assertEquals(1, count("SELECT COUNT(*) FROM registry_events WHERE event_id = ?", id));
        assertEquals(1, count("SELECT COUNT(*) FROM activities WHERE event_id = ?", id));
        assertEquals(418, count("SELECT size FROM registry_events WHERE event_id = ?", id));
    }

    @Test
    void concurrentDeliveriesOfTheSameEventsStoreEachOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            events.add(event(id, "push", "alice/concurrent", "t" + i, "PUT", "2026-11-27T02:00:0" + i + "Z"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                List<String> shuffled = new ArrayList<>(events);
                java.util.Collections.shuffle(shuffled);
                String body = envelope(shuffled.toArray(String[]::new));
                answers.add(pool.submit(() -> deliver(body).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, count("SELECT COUNT(*) FROM registry_events WHERE repository = 'alice/concurrent'"));
        assertEquals(10, count("SELECT COUNT(*) FROM activities WHERE repository = 'alice/concurrent'"));
    }

    @Test
    void pullsCountOnlyForGetAndBlobsAreNotShown() throws Exception {
        String get = UUID.randomUUID().toString();
        String head = UUID.randomUUID().toString();
        String blob = UUID.randomUUID().toString();
        String blobEvent = """
                {"id":"%s","timestamp":"2026-11-27T03:00:00Z","action":"push","target":{"mediaType":
                "application/octet-stream","digest":"sha256:aa","size":5,"repository":"alice/pulls",
                "url":"http://r/v2/alice/pulls/blobs/sha256:aa"},"actor":{"name":"alice"}}""".formatted(blob);
        deliver(envelope(event(get, "pull", "alice/pulls", "1", "GET", "2026-11-27T03:00:01Z"),
                event(head, "pull", "alice/pulls", "1", "HEAD", "2026-11-27T03:00:02Z"), blobEvent))
                .then().statusCode(200).body("stored", equalTo(3));
        assertEquals(3, count("SELECT COUNT(*) FROM registry_events WHERE repository = 'alice/pulls'"));
        activities("?repository=alice/pulls").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].action", equalTo("pull"))
                .body("items[0].actor", equalTo("alice"))
                .body("items[0].tag", equalTo("1"))
                .body("items[0].timestamp", equalTo("2026-11-27T03:00:01Z"));
    }

    @Test
    void aPoisonEventIsParkedAndTheRestStored() throws Exception {
        String good = UUID.randomUUID().toString();
        String bad = UUID.randomUUID().toString();
        deliver(envelope(event(good, "push", "alice/poison", "1", "PUT", "2026-11-27T03:00:00Z"),
                "{\"id\":\"" + bad + "\",\"action\":\"push\",\"timestamp\":\"2026-11-27T03:00:00Z\"}"))
                .then().statusCode(200).body("stored", equalTo(1)).body("parked", equalTo(1));
        assertEquals(1, count("SELECT COUNT(*) FROM parked_events WHERE event_id = ?", bad));
        assertEquals(1, count("SELECT COUNT(*) FROM registry_events WHERE event_id = ?", good));
    }

    @Test
    void theFeedIsNewestFirstAndKeysetPaginated() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(event(UUID.randomUUID().toString(), "push", "alice/paged", "v" + i, "PUT",
                    "2026-11-27T04:00:0" + i + "Z"));
        }
        // The same instant twice: the id breaks the tie, so no item is skipped or repeated.
        events.add(event(UUID.randomUUID().toString(), "push", "alice/paged", "v5", "PUT", "2026-11-27T04:00:04Z"));
        deliver(envelope(events.toArray(String[]::new))).then().statusCode(200);

        List<String> tags = new ArrayList<>();
        String cursor = "";
        do {
            Response page = activities("?repository=alice/paged&limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            page.then().statusCode(200);
            tags.addAll(page.path("items.tag"));
            cursor = page.path("next");
        } while (cursor != null);
        assertEquals(java.util.Set.of("v5", "v4"), java.util.Set.copyOf(tags.subList(0, 2)));
        assertEquals(List.of("v3", "v2", "v1", "v0"), tags.subList(2, 6));

        activities("?namespace=alice&action=push&limit=1").then().statusCode(200).body("items", hasSize(1));
        activities("?action=pull&repository=alice/paged").then().statusCode(200)
                .body("items", hasSize(0)).body("next", nullValue());
    }

    @Test
    void badFeedQueriesAreClearErrors() {
        activities("?limit=0").then().statusCode(400).contentType("application/problem+json");
        activities("?limit=100000").then().statusCode(400);
        activities("?cursor=%%%").then().statusCode(400);
        activities("?cursor=bm9wZQ").then().statusCode(400);
        activities("?action=teleport").then().statusCode(400);
        activities("?repository=UPPER").then().statusCode(400);
    }

    @Test
    void nonAdminsSeeOnlyWhatTheyMayPull() {
        String user = TestUsers.create("feed");
        deliver(envelope(event(UUID.randomUUID().toString(), "push", user + "/app", "1", "PUT", "2026-11-27T06:00:00Z"),
                event(UUID.randomUUID().toString(), "push", "hidden/app", "1", "PUT", "2026-11-27T06:00:01Z")))
                .then().statusCode(200);
        List<String> repositories = given().auth().preemptive().basic(user, TestUsers.PASSWORD)
                .queryParam("action", "push").get("/api/v1/activities")
                .then().statusCode(200).extract().path("items.repository");
        assertTrue(repositories.contains(user + "/app"), repositories::toString);
        assertTrue(repositories.stream().noneMatch(r -> r.startsWith("hidden/") || r.startsWith("alice/")),
                repositories::toString);
        activities("?repository=hidden/app").then().statusCode(200).body("items", hasSize(1));
        given().get("/api/v1/activities").then().statusCode(401);
    }

    @Test
    void anUnreachableDatabaseIsAFast503SoTheRegistryRetries() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = envelope(event(id, "push", "alice/outage", "1", "PUT", "2026-11-27T05:00:00Z"));
        MariaDbServer database = MariaDbTestResource.server();
        database.stopProcess();
        try {
            // An answer, not a hang: the pool gives up on a connection after its acquisition timeout (2 s), well
            // inside what the registry waits, and the registry retries a 503.
            deliver(body).then().statusCode(503)
                    .header("Retry-After", "1")
                    .body("errors[0].code", equalTo("UNAVAILABLE"));
        } finally {
            database.startProcess();
        }
        int status = 0;
        for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
            status = deliver(body).statusCode(); // what the registry does: retry until a 2xx
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        assertEquals(200, status);
        assertEquals(1, count("SELECT COUNT(*) FROM registry_events WHERE event_id = ?", id));
    }

    @Test
    void aCursorIsOpaqueButRoundTrips() {
        ActivityQuery.Cursor cursor = new ActivityQuery.Cursor(1_798_000_000_123_456L, 42);
        assertEquals(cursor, ActivitiesResource.decode(ActivitiesResource.encode(cursor)));
        assertNull(ActivitiesResource.encode(null));
    }
}
