package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.TestUsers;
import dev.portcullis.testsupport.WebhookReceiver;
import dev.portcullis.webhooks.Signature;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A namespace's webhooks page, as its owner uses it in a browser without JavaScript, and as others do not see it. */
@QuarkusTest
class WebhookPagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("<code>([^<]{16,})</code>");

    @Test
    void anOwnerAddsAWebhookSeesItsSecretOncePingsItAndSeesTheDelivery() throws Exception {
        String owner = TestUsers.create("hooker");
        String team = WebPagesTest.unique("hooks");
        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        WebSession web = WebSession.signIn(owner, TestUsers.PASSWORD);
        String page = "/namespaces/" + team + "/webhooks";
        web.get("/namespaces/" + team).then().statusCode(200).body(containsString("href=\"" + page + "\""));
        web.get(page).then().statusCode(200).body(containsString("No webhooks yet."));

        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String created = web.post(page, page, "webhook", "ci", "url", receiver.url("/ci"), "format", "cloudevents",
                    "events", "push").then().statusCode(200).body(containsString("shown this once"))
                    .extract().asString();
            Matcher m = SECRET.matcher(created.substring(created.indexOf("created-secret")));
            assertTrue(m.find(), created);
            String secret = m.group(1);
            String listed = web.get(page).then().statusCode(200).body(containsString(receiver.url("/ci")))
                    .body(not(containsString(secret))).extract().asString();
            long id = Long.parseLong(listed.replaceAll("(?s).*id=\"webhook-(\\d+)\".*", "$1"));

            web.post(page, page + "/" + id + "/ping").then().statusCode(303);
            WebhookReceiver.Received ping = receiver.await("/ci", r -> r.size() >= 1).get(0);
            JsonNode event = JSON.readTree(ping.body());
            assertEquals("dev.portcullis.webhook.ping", event.get("type").asText());
            assertTrue(Signature.verify(secret, ping.header(Signature.HEADER), ping.body()), "signed with the secret shown");
            for (int i = 0; i < 600 && !web.get(page).asString().contains("delivered"); i++) {
                Thread.sleep(50);
            }
            web.get(page).then().body(containsString("delivered")).body(containsString("ping"));

            web.post(page, page + "/" + id + "/enabled", "enabled", "false").then().statusCode(303);
            web.get(page).then().body(containsString(">disabled<"));
            web.post(page, page + "/" + id + "/delete").then().statusCode(303);
            web.get(page).then().body(containsString("No webhooks yet."));
            assertEquals(List.of(), given().auth().preemptive().basic(owner, TestUsers.PASSWORD)
                    .get("/api/v1/webhooks?namespace=" + team).then().statusCode(200).extract().jsonPath().getList("$"));
        }
    }

    @Test
    void customHeadersAndAGivenSecretAreSentAndNeverShownBack() throws Exception {
        String owner = TestUsers.create("header");
        String team = WebPagesTest.unique("headed");
        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        WebSession web = WebSession.signIn(owner, TestUsers.PASSWORD);
        String page = "/namespaces/" + team + "/webhooks";
        String secret = "a-secret-the-owner-chose-1234";
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            web.post(page, page, "webhook", "chat", "url", receiver.url("/chat"), "format", "portus", "events", "push",
                    "headers", "X-Room: builds\nAuthorization: Bearer room-token-5678", "secret", secret)
                    .then().statusCode(200).body(not(containsString(secret))).body(not(containsString("room-token")))
                    .body(not(containsString("shown this once")));
            String listed = web.get(page).then().statusCode(200).body(not(containsString("room-token")))
                    .extract().asString();
            long id = Long.parseLong(listed.replaceAll("(?s).*id=\"webhook-(\\d+)\".*", "$1"));
            web.post(page, page + "/" + id + "/ping").then().statusCode(303);
            WebhookReceiver.Received ping = receiver.await("/chat", r -> r.size() >= 1).get(0);
            assertEquals("builds", ping.header("X-Room"));
            assertEquals("Bearer room-token-5678", ping.header("Authorization"));
            assertTrue(Signature.verify(secret, ping.header(Signature.HEADER), ping.body()));

            web.post(page, page, "webhook", "bad", "url", receiver.url("/bad"), "headers", "no colon here")
                    .then().statusCode(303);
            assertEquals(1, given().auth().preemptive().basic(owner, TestUsers.PASSWORD)
                    .get("/api/v1/webhooks?namespace=" + team).then().statusCode(200).extract().jsonPath()
                    .getList("$").size(), "the malformed header line created nothing");
        }
    }

    @Test
    void aNonMemberGetsTheSamePageAsForANamespaceThatDoesNotExist() {
        String owner = TestUsers.create("keeper");
        String stranger = TestUsers.create("stranger");
        String team = WebPagesTest.unique("kept");
        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        WebSession web = WebSession.signIn(stranger, TestUsers.PASSWORD);
        web.get("/namespaces/" + team + "/webhooks").then().statusCode(404);
        web.get("/namespaces/no-such-namespace-here/webhooks").then().statusCode(404);
    }
}
