package dev.portcullis.attacks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known attacks on token servers and sinks, one test each: none gets a right it should not, none gets a 500, no
 * secret is logged.
 */
@QuarkusTest
class AttacksTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static String victim;
    static String mallory;

    @BeforeEach
    void users() {
        if (victim == null) {
            victim = TestUsers.create("victim");
            mallory = TestUsers.create("mallory");
        }
    }

    static Response token(String user, String... scopes) {
        var request = given().queryParam("service", "registry.test").auth().preemptive().basic(user, TestUsers.PASSWORD);
        for (String scope : scopes) {
            request = request.queryParam("scope", scope);
        }
        return request.get("/v2/token");
    }

    /** Every action granted in the token, whatever the scope. */
    static List<String> granted(Response response) throws Exception {
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(
                response.then().statusCode(200).extract().<String>path("token").split("\\.")[1]));
        List<String> actions = new java.util.ArrayList<>();
        claims.get("access").forEach(entry -> entry.get("actions").forEach(a -> actions.add(
                entry.get("name").asText() + ":" + a.asText())));
        return actions;
    }

    /** Each scope is answered as the grammar says: a malformed one is a 400, any other grants mallory nothing. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "repository:%s/app:pull,push,delete | nothing",
        "repository:%s/app:*                | nothing",
        "repository:%s/../%s/app:pull       | 400",
        "repository:%S/app:pull             | 400",
        "repository:localhost:5000/%s/app:pull,push | nothing",
        "repository:registry.test/%s/app:pull,push  | nothing",
        "repository(plugin):%s/app:pull,push         | nothing",
        "repository:%s/app:pull repository:%s/app:push | nothing",
        "registry:catalog:*                 | nothing"})
    void noScopeEscalatesIntoAnotherNamespace(String template, String expected) throws Exception {
        String scope = template.replace("%s", victim).replace("%S", victim.toUpperCase());
        Response response = token(mallory, scope.split(" "));
        if (expected.equals("400")) {
            response.then().statusCode(400).body("errors[0].code", equalTo("UNSUPPORTED"));
        } else {
            assertEquals(List.of(), granted(response), scope);
        }
    }

    @Test
    void namesOverTheLimitAndLookAlikesAreRefused() {
        token(mallory, "repository:" + "a".repeat(256) + ":pull").then().statusCode(400);
        token(mallory, "repository:" + victim.replace('i', 'і') + "/app:pull").then().statusCode(400); // Cyrillic і
        token(mallory, "repository:" + victim + "/app\n:pull").then().statusCode(400);
        token(mallory, "repository:" + victim + "%2Fapp:pull").then().statusCode(400);
    }

    @Test
    void theAccountParameterCannotNameSomeoneElse() {
        given().queryParam("service", "registry.test").queryParam("account", victim)
                .queryParam("scope", "repository:" + victim + "/app:pull")
                .auth().preemptive().basic(mallory, TestUsers.PASSWORD).get("/v2/token").then().statusCode(400);
    }

    @Test
    void aRefreshTokenIsBoundToItsServiceAndItsUser() {
        String refresh = given().queryParam("service", "registry.test").queryParam("offline_token", "true")
                .queryParam("client_id", "docker").auth().preemptive().basic(mallory, TestUsers.PASSWORD)
                .get("/v2/token").then().statusCode(200).extract().path("refresh_token");
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", refresh)
                .formParam("service", "other.registry").formParam("client_id", "docker")
                .post("/v2/token").then().statusCode(400);
        Response granted = given().formParam("grant_type", "refresh_token").formParam("refresh_token", refresh)
                .formParam("service", "registry.test").formParam("client_id", "docker")
                .formParam("scope", "repository:" + victim + "/app:pull").post("/v2/token");
        granted.then().statusCode(200).body("scope", equalTo(""));
    }

    @Test
    void anotherUsersTokensAndAccountAreInvisible() {
        given().auth().preemptive().basic(mallory, TestUsers.PASSWORD)
                .get("/api/v1/users/" + victim + "/application-tokens").then().statusCode(404);
        given().auth().preemptive().basic(mallory, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "stolen")).post("/api/v1/users/" + victim + "/application-tokens")
                .then().statusCode(404);
        given().auth().preemptive().basic(mallory, TestUsers.PASSWORD).get("/api/v1/users/" + victim)
                .then().statusCode(404);
        given().auth().preemptive().basic(mallory, TestUsers.PASSWORD).contentType("application/merge-patch+json")
                .body(Map.of("admin", true)).patch("/api/v1/users/" + mallory).then().statusCode(403);
    }

    @Test
    void anotherUsersActivitiesAreInvisible() {
        given().header("Authorization", "Bearer test-events-secret").contentType(ContentType.JSON)
                .body("{\"events\":[{\"id\":\"attack-" + victim + "\",\"timestamp\":\"2026-11-27T01:00:00Z\","
                        + "\"action\":\"push\",\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"digest\":\"sha256:ab\",\"repository\":\"" + victim + "/secret\",\"tag\":\"1\"},"
                        + "\"actor\":{\"name\":\"" + victim + "\"}}]}")
                .post("/v2/webhooks/events").then().statusCode(200);
        given().auth().preemptive().basic(mallory, TestUsers.PASSWORD).queryParam("repository", victim + "/secret")
                .get("/api/v1/activities").then().statusCode(200).body("items.size()", equalTo(0));
        given().auth().preemptive().basic(victim, TestUsers.PASSWORD).queryParam("repository", victim + "/secret")
                .get("/api/v1/activities").then().statusCode(200).body("items.size()", equalTo(1));
    }

    @Test
    void theEventsEndpointNeedsItsSecretAndLimitsBodies() throws Exception {
        given().header("Authorization", "Bearer test-events-secreT").contentType(ContentType.JSON)
                .body("{\"events\":[]}").post("/v2/webhooks/events").then().statusCode(401);
        // A body over the limit is refused before it is read: announce 9 MiB and send nothing.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /v2/webhooks/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer test-events-secret\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + 9 * 1024 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
        }
    }

    @Test
    void noSecretIsEverLogged() throws Exception {
        String token = given().auth().preemptive().basic(mallory, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "log-check")).post("/api/v1/users/" + mallory + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        given().queryParam("service", "registry.test").auth().preemptive().basic(mallory, token).get("/v2/token")
                .then().statusCode(200);
        given().queryParam("service", "registry.test").auth().preemptive().basic(mallory, "wrong-" + TestUsers.PASSWORD)
                .get("/v2/token").then().statusCode(anyOf(equalTo(401), equalTo(429)));
        given().header("Authorization", "Bearer test-events-secret").contentType(ContentType.JSON)
                .body("{\"events\":[{\"id\":\"x\"}]}").post("/v2/webhooks/events").then().statusCode(200);
        String key = Files.readString(Path.of("target/test-data/token-signing-key.pem"), StandardCharsets.US_ASCII);
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        // The sign-in form's mechanism picks its session key (none is configured in tests) at its first request.
        given().redirects().follow(false).get("/").then().statusCode(anyOf(equalTo(302), equalTo(303)));
        String log = Files.readString(Path.of("target/quarkus-test.log"), StandardCharsets.UTF_8);
        assertFalse(log.isBlank(), "the test log is written");
        assertFalse(log.contains("using temporary key"), "the web sessions' random key is logged");
        assertTrue(log.contains("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY is not set"), "the missing key is said");
        for (String secret : List.of(TestUsers.PASSWORD, TestUsers.ADMIN_PASSWORD, token, "test-events-secret",
                keyBody, Base64.getEncoder().encodeToString((mallory + ":" + TestUsers.PASSWORD).getBytes()))) {
            assertFalse(log.contains(secret), "a secret appears in the log: " + secret.substring(0, 4) + "…");
        }
        assertTrue(log.contains("dev.portcullis") || log.contains("Quarkus"), "the log holds our lines");
    }
}
