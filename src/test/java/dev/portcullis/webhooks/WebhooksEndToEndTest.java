package dev.portcullis.webhooks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.MovingClock;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import dev.portcullis.testsupport.WebhookReceiver;
import dev.portcullis.testsupport.WebhookReceiver.Mode;
import dev.portcullis.testsupport.WebhookReceiver.Received;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real receiver: pushes through Debian's registry guarded by Portcullis arrive signed, as
 * CloudEvents and in Portus's format, in order; a receiver that is down, failing or hanging gets every delivery
 * once it answers, in order; a webhook that keeps failing is disabled with its reason; the log, redelivery and
 * ping; a namespace's webhooks are invisible to whoever does not manage them. Retries wait on a clock the test
 * moves, so nothing here waits for a backoff to pass.
 */
@QuarkusTest
class WebhooksEndToEndTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    MovingClock clock;
    WebhookReceiver receiver;
    RegistryProcess registry;
    Path work;

    @BeforeEach
    void setUp() {
        clock = new MovingClock();
        QuarkusMock.installMockForType(clock, Clock.class);
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        if (registry != null) {
            registry.stop();
        }
    }

    static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user,
                TestUsers.ADMIN.equals(user) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD).contentType(ContentType.JSON);
    }

    JsonNode createWebhook(String owner, String namespace, String path, String format, List<String> events,
            Map<String, String> headers) throws Exception {
        Map<String, Object> body = new HashMap<>();
        if (namespace != null) {
            body.put("namespace", namespace);
        }
        body.put("name", "hook " + path);
        body.put("url", receiver.url(path));
        body.put("format", format);
        body.put("events", events);
        body.put("headers", headers);
        String created = as(owner).body(body).post("/api/v1/webhooks").then().statusCode(201)
                .body("secret", notNullValue()).extract().asString();
        return json.readTree(created);
    }

    void push(String user, String repository, String tag) throws Exception {
        if (work == null) {
            work = Files.createTempDirectory("portcullis-webhooks");
            registry = GuardedRegistry.start(work, true, true, RegistryPortResource.port());
        }
        Path image = OciImage.write(work.resolve(repository.replace('/', '_') + "-" + tag), tag, "a.txt",
                (repository + ":" + tag + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        assertTrue(Skopeo.push(image, tag, registry.host() + "/" + repository + ":" + tag,
                user + ":" + TestUsers.PASSWORD).ok());
    }

    @Test
    void pushesArriveSignedAsCloudEventsAndInPortusFormatInOrder() throws Exception {
        String alice = TestUsers.create("alice");
        JsonNode ce = createWebhook(alice, alice, "/ce", "cloudevents", List.of("push"), Map.of("X-Team", "a"));
        JsonNode portus = createWebhook(alice, alice, "/portus", "portus", List.of("push"), null);
        for (String tag : List.of("1", "2", "3")) {
            push(alice, alice + "/app", tag);
        }
        List<Received> events = receiver.await("/ce", r -> r.size() >= 3);
        List<String> tags = new ArrayList<>();
        for (Received r : events) {
            assertTrue(Signature.verify(ce.get("secret").asText(), r.header(Signature.HEADER), r.body()),
                    "signed with the webhook's secret");
            assertEquals("application/cloudevents+json", r.header("Content-Type"));
            assertEquals("a", r.header("X-Team"));
            JsonNode e = json.readTree(r.body());
            assertEquals("1.0", e.get("specversion").asText());
            assertEquals("dev.portcullis.artifact.pushed", e.get("type").asText());
            assertEquals(alice + "/app", e.get("subject").asText());
            assertEquals("/namespaces/" + alice, e.get("source").asText());
            assertEquals(r.header("X-Portcullis-Delivery"), e.get("id").asText());
            assertEquals(alice, e.at("/data/actor").asText());
            assertTrue(e.at("/data/digest").asText().startsWith("sha256:"));
            assertEquals(OciImage.MANIFEST_TYPE, e.at("/data/mediaType").asText());
            tags.add(e.at("/data/tag").asText());
        }
        assertEquals(List.of("1", "2", "3"), tags, "in the order of the pushes");
        List<String> portusTags = new ArrayList<>();
        for (Received r : receiver.await("/portus", r -> r.size() >= 3)) {
            assertTrue(Signature.verify(portus.get("secret").asText(), r.header(Signature.HEADER), r.body()));
            assertFalse(Signature.verify(ce.get("secret").asText(), r.header(Signature.HEADER), r.body()),
                    "each webhook its own secret");
            JsonNode e = json.readTree(r.body()).at("/events/0");
            assertEquals("push", e.get("action").asText());
            assertEquals(alice + "/app", e.at("/target/repository").asText());
            assertEquals(alice, e.at("/actor/name").asText());
            portusTags.add(e.at("/target/tag").asText());
        }
        assertEquals(List.of("1", "2", "3"), portusTags);
        // The log shows what was sent, the custom header's value hidden.
        long id = ce.get("id").asLong();
        String deliveries = as(alice).get("/api/v1/webhooks/{id}/deliveries", id).then().statusCode(200)
                .body("items.size()", equalTo(3)).body("items[0].status", equalTo("delivered")).extract().asString();
        long newest = json.readTree(deliveries).at("/items/0/id").asLong();
        as(alice).get("/api/v1/webhooks/{id}/deliveries/{d}", id, newest).then().statusCode(200)
                .body("[0].responseStatus", equalTo(204))
                .body("[0].requestHeaders", org.hamcrest.Matchers.containsString("\"X-Team\":\"***\""));
    }

    @Test
    void aReceiverDownFailingOrHangingGetsEveryDeliveryOnceInOrder() throws Exception {
        String bob = TestUsers.create("bob");
        JsonNode hook = createWebhook(bob, bob, "/flaky", "cloudevents", List.of("push"), null);
        long id = hook.get("id").asLong();
        receiver.stop();
        for (String tag : List.of("1", "2", "3")) {
            push(bob, bob + "/app", tag);
        }
        Rows.awaitExactly(dataSource, 3, () -> "", "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", id);
        // Down: the first delivery is tried, the others wait behind it.
        awaitAttempts(id, 1);
        receiver.start();
        receiver.mode(Mode.FAIL);
        clock.advance(Duration.ofHours(2));
        awaitAttempts(id, 2);
        receiver.mode(Mode.HANG);
        clock.advance(Duration.ofHours(2));
        awaitAttempts(id, 3);
        assertEquals(0, receiver.received("/flaky").stream().filter(r -> r.answered() == 204).count());
        receiver.mode(Mode.OK);
        clock.advance(Duration.ofHours(2));
        List<Received> all = receiver.await("/flaky", r -> r.stream().filter(x -> x.answered() == 204).count() >= 3);
        List<String> tags = new ArrayList<>();
        Set<String> deliveries = new HashSet<>();
        for (Received r : all) {
            if (r.answered() == 204) {
                tags.add(json.readTree(r.body()).at("/data/tag").asText());
                assertTrue(deliveries.add(r.header("X-Portcullis-Delivery")), "each delivery once after its success");
            }
        }
        assertEquals(List.of("1", "2", "3"), tags);
        // Every attempt went to the first delivery until it succeeded: none overtook it.
        Set<String> beforeSuccess = new HashSet<>();
        for (Received r : all) {
            if (r.answered() == 204) {
                break;
            }
            beforeSuccess.add(r.header("X-Portcullis-Delivery"));
        }
        assertEquals(1, beforeSuccess.size());
        as(bob).get("/api/v1/webhooks/{id}", id).then().statusCode(200).body("enabled", equalTo(true))
                .body("consecutiveFailures", equalTo(0));
    }

    void awaitAttempts(long webhookId, long attempts) throws Exception {
        long seen = Rows.await(dataSource, n -> n >= attempts, """
                SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                WHERE d.webhook_id = ?""", webhookId);
        assertEquals(attempts, seen, "attempts of webhook " + webhookId);
        // The attempt is recorded (and the next one scheduled) just after the receiver saw it.
        Rows.await(dataSource, n -> n == 0, "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?"
                + " AND claimed_by IS NOT NULL", webhookId);
    }

    @Test
    void aWebhookThatKeepsFailingIsDisabledAndSaysWhy() throws Exception {
        String carol = TestUsers.create("carol");
        long id = createWebhook(carol, carol, "/failing", "cloudevents", List.of("push"), null).get("id").asLong();
        receiver.mode(Mode.FAIL);
        // Two pings, each tried until its attempts run out (5 in the tests), the second one disables it (2 in a row).
        as(carol).post("/api/v1/webhooks/{id}/ping", id).then().statusCode(202);
        as(carol).post("/api/v1/webhooks/{id}/ping", id).then().statusCode(202);
        // The second ping goes as soon as the first has failed for good: wait for at least as many attempts.
        for (int attempt = 1; attempt <= 10; attempt++) {
            int atLeast = attempt;
            Rows.await(dataSource, n -> n >= atLeast, """
                    SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                    WHERE d.webhook_id = ?""", id);
            Rows.await(dataSource, n -> n == 0, "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?"
                    + " AND claimed_by IS NOT NULL", id);
            clock.advance(Duration.ofHours(2));
        }
        Rows.awaitExactly(dataSource, 2, () -> "", "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?"
                + " AND status = 'failed'", id);
        as(carol).get("/api/v1/webhooks/{id}", id).then().statusCode(200).body("enabled", equalTo(false))
                .body("consecutiveFailures", equalTo(2))
                .body("disabledReason", org.hamcrest.Matchers.containsString("2 failed deliveries in a row"));
        assertEquals(10, receiver.received("/failing").size());
        // Turned on again by its owner, it goes on; a finished delivery can be sent again, with the same id.
        receiver.mode(Mode.OK);
        as(carol).contentType("application/merge-patch+json").body("{\"enabled\": true}")
                .patch("/api/v1/webhooks/{id}", id).then().statusCode(200).body("enabled", equalTo(true))
                .body("disabledReason", equalTo(null));
        as(carol).post("/api/v1/webhooks/{id}/ping", id).then().statusCode(202);
        Received ping = receiver.await("/failing", r -> r.size() >= 11).get(10);
        assertEquals("ping", ping.header("X-Portcullis-Event"));
        assertEquals(204, ping.answered());
        long first = Rows.count(dataSource, "SELECT MIN(id) FROM webhook_deliveries WHERE webhook_id = ?", id);
        as(carol).post("/api/v1/webhooks/{id}/deliveries/{d}/redeliver", id, first).then().statusCode(202);
        Received again = receiver.await("/failing", r -> r.size() >= 12).get(11);
        assertEquals(Long.toString(first), again.header("X-Portcullis-Delivery"));
        assertEquals(204, again.answered());
    }

    @Test
    void memberChangesReachTheTeamsNamespaceWebhooks() throws Exception {
        String owner = TestUsers.create("dora");
        String member = TestUsers.create("eve");
        String team = "team" + System.nanoTime() % 1_000_000;
        as(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        JsonNode hook = createWebhook(owner, team, "/members", "cloudevents",
                List.of("member.added", "member.removed"), null);
        as(owner).body(Map.of("username", member, "role", "viewer")).post("/api/v1/teams/{team}/members", team)
                .then().statusCode(201);
        Received added = receiver.await("/members", r -> r.size() >= 1).get(0);
        JsonNode e = json.readTree(added.body());
        assertEquals("dev.portcullis.access.member.added", e.get("type").asText());
        assertEquals(member, e.get("subject").asText());
        assertEquals(team, e.at("/data/team").asText());
        assertTrue(Signature.verify(hook.get("secret").asText(), added.header(Signature.HEADER), added.body()));
    }

    @Test
    void aVisibilityChangeReachesTheNamespacesWebhooks() throws Exception {
        String owner = TestUsers.create("vera");
        String team = "team" + System.nanoTime() % 1_000_000;
        as(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        JsonNode hook = createWebhook(owner, team, "/visibility", "cloudevents", List.of("visibility.changed"), null);
        as(owner).contentType("application/merge-patch+json").body("{\"description\": \"not a visibility change\"}")
                .patch("/api/v1/namespaces/{n}", team).then().statusCode(200);
        as(owner).contentType("application/merge-patch+json").body("{\"visibility\": \"public\"}")
                .patch("/api/v1/namespaces/{n}", team).then().statusCode(200);

        Received changed = receiver.await("/visibility", r -> r.size() >= 1).get(0);
        JsonNode e = json.readTree(changed.body());
        assertEquals("dev.portcullis.access.visibility.changed", e.get("type").asText());
        assertEquals(team, e.at("/data/namespace").asText());
        assertTrue(e.at("/data/detail").asText().contains("visibility="), e.toString());
        assertTrue(Signature.verify(hook.get("secret").asText(), changed.header(Signature.HEADER), changed.body()));
        try (var c = dataSource.getConnection(); var q = c.prepareStatement(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?")) {
            q.setLong(1, hook.get("id").asLong());
            try (var rs = q.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getLong(1), "the description change made no delivery");
            }
        }
    }

    @Test
    void tokensCreatedAndRevokedReachTheGlobalWebhooksInOrder() throws Exception {
        String user = TestUsers.create("tess");
        JsonNode hook = createWebhook(TestUsers.ADMIN, null, "/tokens", "cloudevents",
                List.of("token.created", "token.revoked"), null);
        try {
            long tokenId = as(user).body(Map.of("name", "ci")).post("/api/v1/users/{u}/application-tokens", user)
                    .then().statusCode(201).extract().jsonPath().getLong("id");
            as(user).delete("/api/v1/users/{u}/application-tokens/{id}", user, tokenId).then().statusCode(204);

            List<JsonNode> mine = new java.util.ArrayList<>();
            for (Received r : receiver.await("/tokens", all -> mentions(all, user) >= 2)) {
                JsonNode e = json.readTree(r.body());
                if (user.equals(e.at("/data/user").asText())) {
                    mine.add(e);
                    assertTrue(Signature.verify(hook.get("secret").asText(), r.header(Signature.HEADER), r.body()));
                }
            }
            assertEquals(List.of("dev.portcullis.access.token.created", "dev.portcullis.access.token.revoked"),
                    mine.stream().map(e -> e.get("type").asText()).toList());
            assertEquals("ci", mine.get(0).at("/data/detail").asText());
        } finally {
            as(TestUsers.ADMIN).delete("/api/v1/webhooks/{id}", hook.get("id").asLong()).then().statusCode(204);
        }
    }

    private int mentions(List<Received> received, String user) {
        return (int) received.stream()
                .filter(r -> new String(r.body(), StandardCharsets.UTF_8).contains("\"" + user + "\"")).count();
    }

    @Test
    void aNamespacesWebhooksAreInvisibleToThoseWhoDoNotManageIt() throws Exception {
        String alice = TestUsers.create("alice");
        String mallory = TestUsers.create("mallory");
        long id = createWebhook(alice, alice, "/private", "cloudevents", List.of("push"), null).get("id").asLong();
        String shown = as(mallory).get("/api/v1/webhooks/{id}", id).then().statusCode(404)
                .contentType("application/problem+json").extract().path("detail");
        String missing = as(mallory).get("/api/v1/webhooks/{id}", 987_654_321L).then().statusCode(404)
                .extract().path("detail");
        assertEquals(shown.replace(Long.toString(id), "N"), missing.replace("987654321", "N"),
                "an existing webhook and a missing one look alike");
        as(mallory).get("/api/v1/webhooks?namespace=" + alice).then().statusCode(404);
        as(mallory).get("/api/v1/webhooks/{id}/deliveries", id).then().statusCode(404);
        as(mallory).post("/api/v1/webhooks/{id}/ping", id).then().statusCode(404);
        as(mallory).contentType("application/merge-patch+json").body("{\"url\": \"http://127.0.0.1:1/x\"}")
                .patch("/api/v1/webhooks/{id}", id).then().statusCode(404);
        as(mallory).delete("/api/v1/webhooks/{id}", id).then().statusCode(404);
        as(mallory).body(Map.of("namespace", alice, "name", "x", "url", receiver.url("/x")))
                .post("/api/v1/webhooks").then().statusCode(404);
        as(mallory).get("/api/v1/webhooks").then().statusCode(403); // the global ones: admins
        as(alice).get("/api/v1/webhooks?namespace=" + alice).then().statusCode(200).body("size()", equalTo(1))
                .body("[0].secret", equalTo(null));
        as(TestUsers.ADMIN).get("/api/v1/webhooks/{id}", id).then().statusCode(200);
        assertEquals(0, receiver.received().size());
    }
}
