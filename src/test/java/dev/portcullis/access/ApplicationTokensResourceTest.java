package dev.portcullis.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Application tokens: shown once, listed without the secret, revocable; a password for their owner at the token
 * endpoint and a bearer token on the API; narrowed by read-only, namespaces and expiry. Three failed logins in all
 * (revoked, wrong user, expired): the per-address brute-force allowance is shared by every test class.
 */
@QuarkusTest
class ApplicationTokensResourceTest {

    static final String SERVICE = "registry.test";
    static final String PROBLEM_JSON = "application/problem+json";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** A created token: its id and the secret the API shows only once. */
    record Created(long id, String secret) {
    }

    String owner;

    @BeforeEach
    void owner() {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        owner = TestUsers.create("tok");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static RequestSpecification as(String username, String secret) {
        return given().auth().preemptive().basic(username, secret).contentType(ContentType.JSON);
    }

    static RequestSpecification asAdmin() {
        return as(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD);
    }

    static RequestSpecification asUser(String username) {
        return as(username, TestUsers.PASSWORD);
    }

    static RequestSpecification withBearer(String secret) {
        return given().header("Authorization", "Bearer " + secret).contentType(ContentType.JSON);
    }

    static String uniqueName(String prefix) {
        return prefix + System.nanoTime() % 1_000_000 + "x" + SEQUENCE.incrementAndGet();
    }

    static String tokensOf(String username) {
        return "/api/v1/users/" + username + "/application-tokens";
    }

    static Response createToken(RequestSpecification caller, String username, Map<String, ?> body) {
        return caller.body(body).post(tokensOf(username));
    }

    static Created created(Response response) {
        JsonPath body = response.then().statusCode(201).extract().jsonPath();
        return new Created(body.getLong("id"), body.get("token"));
    }

    /** A token the owner creates for themselves with their password. */
    Created newToken(Map<String, ?> body) {
        return created(createToken(asUser(owner), owner, body));
    }

    Created newToken() {
        return newToken(Map.of("name", uniqueName("ci")));
    }

    static Response registryToken(String username, String secret, String... scopes) {
        RequestSpecification request = given().queryParam("service", SERVICE);
        for (String scope : scopes) {
            request = request.queryParam("scope", scope);
        }
        return request.auth().preemptive().basic(username, secret).get("/v2/token");
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    /** The actions the JWT grants for the one requested scope. */
    static Set<String> granted(String username, String secret, String scope) throws Exception {
        String jwt = registryToken(username, secret, scope).then().statusCode(200).extract().path("token");
        JsonNode access = claims(jwt).get("access");
        assertEquals(1, access.size(), "one entry per requested scope");
        Set<String> actions = new HashSet<>();
        access.get(0).get("actions").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    /** The list entry of one token as the caller sees it (first page); fails when the token is not listed. */
    static Map<String, Object> listedToken(RequestSpecification caller, String username, long id) {
        List<Map<String, Object>> tokens = caller.get(tokensOf(username)).then().statusCode(200)
                .extract().jsonPath().getList("items");
        return tokens.stream().filter(t -> ((Number) t.get("id")).longValue() == id).findFirst()
                .orElseThrow(() -> new AssertionError("token " + id + " is not listed: " + tokens));
    }

    static void assertProblem(Response response, int status) {
        response.then().statusCode(status)
                .contentType(PROBLEM_JSON)
                .body("status", equalTo(status))
                .body("detail", notNullValue());
    }

    static Response refreshGrant(String refreshToken, String... scopes) {
        RequestSpecification request = given().formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .formParam("service", SERVICE).formParam("client_id", "docker");
        for (String scope : scopes) {
            request = request.formParam("scope", scope);
        }
        return request.post("/v2/token");
    }

    // ---- create, list, revoke ------------------------------------------------------------------------------

    @Test
    void aNewTokenIsShownOnceAndNeverCached() {
        Response response = createToken(asUser(owner), owner, Map.of("name", "laptop"));
        response.then().statusCode(201)
                .header("Cache-Control", containsString("no-store"))
                .header("Location", containsString(tokensOf(owner) + "/"))
                .body("name", equalTo("laptop"))
                .body("token", startsWith("pcat_"))
                .body("readOnly", equalTo(false))
                .body("namespaces", empty())
                .body("expiresAt", nullValue());
        Created token = created(response);
        assertTrue(token.secret().length() >= 40, "a long random secret: " + token.secret().length());
        assertTrue(response.getHeader("Location").endsWith("/" + token.id()));

        String secondSecret = newToken().secret();
        assertNotEquals(token.secret(), secondSecret, "every token has its own secret");
    }

    @Test
    void theListNeverShowsTheSecretAndShowsTheLastUse() {
        Created token = newToken(Map.of("name", "listed"));
        String list = asUser(owner).get(tokensOf(owner)).then().statusCode(200).extract().asString();
        assertTrue(!list.contains(token.secret()) && !list.contains("pcat_"), "the list never holds a secret");
        Map<String, Object> before = listedToken(asUser(owner), owner, token.id());
        assertEquals("listed", before.get("name"));
        assertNotNull(before.get("createdAt"));
        assertNull(before.get("lastUsedAt"), "never used yet");

        assertEquals(200, registryToken(owner, token.secret()).statusCode());

        Map<String, Object> after = listedToken(asUser(owner), owner, token.id());
        assertNotNull(after.get("lastUsedAt"), "the last use is recorded");
        assertNull(after.get("revokedAt"));
        asUser(owner).get(tokensOf(owner)).then().statusCode(200).body(not(containsString(token.secret())));
    }

    @Test
    void theListIsPaginatedOldestFirst() {
        List<Long> ids = List.of(newToken().id(), newToken().id(), newToken().id());

        JsonPath first = asUser(owner).queryParam("limit", 2).get(tokensOf(owner))
                .then().statusCode(200).extract().jsonPath();
        assertEquals(ids.subList(0, 2), first.getList("items.id", Long.class));
        assertNotNull(first.getString("next"));
        JsonPath second = asUser(owner).queryParam("limit", 2).queryParam("cursor", first.getString("next"))
                .get(tokensOf(owner)).then().statusCode(200).extract().jsonPath();
        assertEquals(ids.subList(2, 3), second.getList("items.id", Long.class));
        assertNull(second.getString("next"), "the last page");
        assertProblem(asUser(owner).queryParam("limit", 0).get(tokensOf(owner)), 400);
    }

    @Test
    void aRevokedTokenFailsAtTheNextTokenRequest() {
        Created token = newToken();
        assertEquals(200, registryToken(owner, token.secret()).statusCode());

        asUser(owner).delete(tokensOf(owner) + "/" + token.id()).then().statusCode(204);

        registryToken(owner, token.secret()).then().statusCode(401) // 1 failure
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
        assertNotNull(listedToken(asUser(owner), owner, token.id()).get("revokedAt"));
        assertProblem(asUser(owner).delete(tokensOf(owner) + "/999999999"), 404);
    }

    // ---- who may manage whose tokens -----------------------------------------------------------------------

    @Test
    void anotherUserGets404ForSomeoneElsesTokens() {
        String other = TestUsers.create("tokother");
        Created token = newToken();

        assertProblem(asUser(other).get(tokensOf(owner)), 404);
        assertProblem(createToken(asUser(other), owner, Map.of("name", "stolen")), 404);
        assertProblem(asUser(other).delete(tokensOf(owner) + "/" + token.id()), 404);
        // Nor through their own path with someone else's id.
        assertProblem(asUser(other).delete(tokensOf(other) + "/" + token.id()), 404);

        assertEquals(200, registryToken(owner, token.secret()).statusCode(), "the token still works");
        assertNull(listedToken(asUser(owner), owner, token.id()).get("revokedAt"));
        asUser(owner).get(tokensOf(owner)).then().statusCode(200).body("items.name", not(hasItem("stolen")));
    }

    @Test
    void anAdminManagesAnyonesTokens() {
        Created token = created(createToken(asAdmin(), owner, Map.of("name", "by-admin")));
        asAdmin().get(tokensOf(owner)).then().statusCode(200).body("items.name", hasItem("by-admin"));
        assertEquals(200, registryToken(owner, token.secret()).statusCode());
        asAdmin().delete(tokensOf(owner) + "/" + token.id()).then().statusCode(204);
        assertNotNull(listedToken(asUser(owner), owner, token.id()).get("revokedAt"));
    }

    @Test
    void tokensNeedCredentials() {
        assertProblem(given().get(tokensOf(owner)), 401);
        assertProblem(given().contentType(ContentType.JSON).body(Map.of("name", "x")).post(tokensOf(owner)), 401);
    }

    // ---- a token as credentials ----------------------------------------------------------------------------

    @Test
    void aTokenIsThePasswordOfItsOwnerOnly() throws Exception {
        String other = TestUsers.create("tokother");
        Created token = newToken();

        assertEquals(Set.of("pull", "push", "delete"), granted(owner, token.secret(),
                "repository:" + owner + "/app:pull,push,delete"));
        String jwt = registryToken(owner, token.secret()).then().statusCode(200).extract().path("token");
        assertEquals(owner, claims(jwt).get("sub").asText());

        registryToken(other, token.secret()).then().statusCode(401) // 1 failure
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    @Test
    void aTokenIsABearerTokenOnTheApi() {
        String other = TestUsers.create("tokother");
        Created token = newToken();
        withBearer(token.secret()).get("/api/v1/users/" + owner).then().statusCode(200)
                .body("username", equalTo(owner));
        assertProblem(withBearer(token.secret()).get("/api/v1/users/" + other), 404);
        // As the password in Basic on the API too.
        as(owner, token.secret()).get("/api/v1/users/" + owner).then().statusCode(200);
        // A full token may manage its owner's tokens.
        created(createToken(withBearer(token.secret()), owner, Map.of("name", "from-a-token")));
    }

    // ---- narrower tokens -----------------------------------------------------------------------------------

    @Test
    void aReadOnlyTokenOnlyPulls() throws Exception {
        Created token = newToken(Map.of("name", "pull-only", "readOnly", true));
        assertEquals(true, listedToken(asUser(owner), owner, token.id()).get("readOnly"));

        assertEquals(Set.of("pull"), granted(owner, token.secret(), "repository:" + owner + "/app:pull,push,delete"));
        assertEquals(Set.of("pull"), granted(owner, token.secret(), "repository:" + owner + "/app:*"));
    }

    @Test
    void aReadOnlyTokenCannotCreateTokensOrChangeTheAccount() {
        Created token = newToken(Map.of("name", "pull-only", "readOnly", true));

        withBearer(token.secret()).get("/api/v1/users/" + owner).then().statusCode(200);
        assertProblem(createToken(withBearer(token.secret()), owner, Map.of("name", "escalate")), 403);
        assertProblem(createToken(as(owner, token.secret()), owner, Map.of("name", "escalate")), 403);
        assertProblem(withBearer(token.secret()).contentType("application/merge-patch+json")
                .body(Map.of("email", "changed@example.com")).patch("/api/v1/users/" + owner), 403);
        assertProblem(withBearer(token.secret()).contentType("application/merge-patch+json")
                .body(Map.of("password", "a-new-long-password")).patch("/api/v1/users/" + owner), 403);
        assertProblem(withBearer(token.secret()).delete(tokensOf(owner) + "/" + token.id()), 403);

        asAdmin().get("/api/v1/users/" + owner).then().statusCode(200)
                .body("email", equalTo(owner + "@example.com"));
        asUser(owner).get(tokensOf(owner)).then().statusCode(200).body("items.name", not(hasItem("escalate")));
        assertNull(listedToken(asUser(owner), owner, token.id()).get("revokedAt"), "still live");
    }

    @Test
    void aTokenLimitedToANamespaceGetsNothingElsewhere() throws Exception {
        String team = uniqueName("tokteam");
        asUser(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        Created token = newToken(Map.of("name", "team-only", "namespaces", List.of(team)));
        assertEquals(List.of(team), listedToken(asUser(owner), owner, token.id()).get("namespaces"));

        assertEquals(Set.of("pull", "push", "delete"), granted(owner, token.secret(), "repository:" + team + "/app:pull,push,delete"));
        assertEquals(Set.of(), granted(owner, token.secret(), "repository:" + owner + "/app:pull,push"));
        assertEquals(Set.of(), granted(owner, token.secret(), "repository:hello:pull"));
        // The owner's password still has them: the denial is the token's.
        assertEquals(Set.of("pull", "push"), granted(owner, TestUsers.PASSWORD, "repository:" + owner + "/app:pull,push"));
        assertEquals(Set.of("pull"), granted(owner, TestUsers.PASSWORD, "repository:hello:pull"));
        // A limited token manages nothing on the account either.
        assertProblem(createToken(withBearer(token.secret()), owner, Map.of("name", "wider")), 403);
    }

    @Test
    void badTokenRequestsAreClearErrors() {
        assertProblem(createToken(asUser(owner), owner, Map.of()), 422);
        assertProblem(createToken(asUser(owner), owner, Map.of("name", "x".repeat(101))), 422);
        assertProblem(createToken(asUser(owner), owner, Map.of("name", "old",
                "expiresAt", Instant.now().minus(Duration.ofHours(1)).toString())), 422);
        assertProblem(createToken(asUser(owner), owner, Map.of("name", "bad-ns",
                "namespaces", List.of("Not/A/Namespace"))), 422);
        assertProblem(createToken(asAdmin(), uniqueName("nobody"), Map.of("name", "ghost")), 404);
    }

    @Test
    void aMalformedExpiryIsAProblemJson400() {
        Response response = createToken(asUser(owner), owner, Map.of("name", "soon", "expiresAt", "tomorrow"));
        assertProblem(response, 400);
    }

    @Test
    void aTokenLimitedToManyNamespacesIsStoredUpToTheColumnAndRefusedBeyond() {
        // Valid names, kept comma-separated in a 4,096-character column: 16 of 249 characters fit, 17 do not.
        List<String> namespaces = new ArrayList<>();
        for (int i = 10; i < 27; i++) {
            namespaces.add("ns" + i + "-" + "a".repeat(244));
        }
        createToken(asUser(owner), owner, Map.of("name", "wide", "namespaces", namespaces.subList(0, 16)))
                .then().statusCode(201).body("namespaces", hasSize(16));
        Response refused = createToken(asUser(owner), owner, Map.of("name", "wider", "namespaces", namespaces));
        assertProblem(refused, 422);
        refused.then().body("detail", containsString("4096"));
    }

    @Test
    void aTokenMayExpireAfter2038() {
        // A ten-or-more-year CI token is an ordinary request: it must be stored, not answered with a 5xx.
        Response response = createToken(asUser(owner), owner, Map.of("name", "long-lived",
                "expiresAt", "2040-01-01T00:00:00Z"));
        assertTrue(response.statusCode() < 500, "a far expiry is not a server failure: " + response.asString());
        response.then().statusCode(201).body("expiresAt", equalTo("2040-01-01T00:00:00Z"));
    }

    @Test
    void anExpiredTokenStopsWorking() throws Exception {
        // Create through a bearer token: no bcrypt on the way, so the two seconds are not spent before creation.
        Created full = newToken();
        Instant expiresAt = Instant.now().plusSeconds(2);
        Created shortLived = created(createToken(withBearer(full.secret()), owner,
                Map.of("name", "short", "expiresAt", expiresAt.toString())));
        assertEquals(200, registryToken(owner, shortLived.secret()).statusCode(), "works before it expires");

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 1000);

        registryToken(owner, shortLived.secret()).then().statusCode(401) // 1 failure
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }

    // ---- bots and refresh tokens ---------------------------------------------------------------------------

    @Test
    void anAdminCreatesATokenForABotThatGetsTheBotsTeamRights() throws Exception {
        String bot = uniqueName("tokbot");
        asAdmin().body(Map.of("username", bot, "bot", true)).post("/api/v1/users").then().statusCode(201);
        String team = uniqueName("botteam");
        asAdmin().body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        asAdmin().body(Map.of("username", bot, "role", "contributor")).post("/api/v1/teams/" + team + "/members")
                .then().statusCode(201);

        assertProblem(createToken(asUser(owner), bot, Map.of("name", "not-mine")), 404);
        Created token = created(createToken(asAdmin(), bot, Map.of("name", "ci")));

        assertEquals(Set.of("pull", "push"), granted(bot, token.secret(), "repository:" + team + "/app:pull,push,delete"));
        assertEquals(Set.of(), granted(bot, token.secret(), "repository:" + owner + "/app:pull"));
        String jwt = registryToken(bot, token.secret()).then().statusCode(200).extract().path("token");
        assertEquals(bot, claims(jwt).get("sub").asText());
    }

    @Test
    void aRefreshTokenGotWithAnApplicationTokenKeepsItsLimitsAndDiesWithIt() throws Exception {
        Created token = newToken(Map.of("name", "docker-login", "readOnly", true));
        String refresh = given().queryParam("service", SERVICE).queryParam("offline_token", "true")
                .queryParam("client_id", "docker").auth().preemptive().basic(owner, token.secret())
                .get("/v2/token").then().statusCode(200)
                .body("refresh_token", notNullValue()).extract().path("refresh_token");

        refreshGrant(refresh, "repository:" + owner + "/app:pull,push").then().statusCode(200)
                .body("scope", equalTo("repository:" + owner + "/app:pull"))
                .body("refresh_token", equalTo(refresh));

        asUser(owner).delete(tokensOf(owner) + "/" + token.id()).then().statusCode(204);

        refreshGrant(refresh, "repository:" + owner + "/app:pull").then().statusCode(401)
                .body("errors[0].code", equalTo("UNAUTHORIZED"));
    }
}
