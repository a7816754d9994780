package dev.portcullis.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.User;
import dev.portcullis.testsupport.MovingClock;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenEndpointTest {

    static final String SERVICE = "registry.test";
    static final ObjectMapper JSON = new ObjectMapper();
    static String alice;
    static String bob;

    @BeforeEach
    void users() {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (alice == null) {
            alice = TestUsers.create("alice");
            bob = TestUsers.create("bob");
        }
    }

    static JsonNode claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    static JsonNode header(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    static Response token(String user, String password, String... scopes) {
        var request = given().queryParam("service", SERVICE);
        for (String scope : scopes) {
            request = request.queryParam("scope", scope);
        }
        if (user != null) {
            request = request.auth().preemptive().basic(user, password);
        }
        return request.get("/v2/token");
    }

    static JsonNode access(Response response) throws Exception {
        return claims(response.then().statusCode(200).extract().path("token")).get("access");
    }

    @Test
    void anOwnerGetsEverythingOnTheirNamespaceAndOthersNothing() throws Exception {
        JsonNode mine = access(token(alice, TestUsers.PASSWORD, "repository:" + alice + "/app:pull,push,delete"));
        assertEquals("[\"pull\",\"push\",\"delete\"]", mine.get(0).get("actions").toString());
        JsonNode theirs = access(token(bob, TestUsers.PASSWORD, "repository:" + alice + "/app:pull,push"));
        assertEquals(alice + "/app", theirs.get(0).get("name").asText());
        assertEquals(0, theirs.get(0).get("actions").size(), "a denied scope is an entry with no actions");
    }

    @Test
    void theTokenCarriesTheProtocolClaimsAndHeader() throws Exception {
        Response response = token(alice, TestUsers.PASSWORD, "repository:" + alice + "/app:pull");
        response.then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("expires_in", equalTo(300))
                .body("issued_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"))
                .body("access_token", equalTo(response.path("token")));
        String jwt = response.path("token");
        JsonNode claims = claims(jwt);
        assertEquals("portcullis.test", claims.get("iss").asText());
        assertEquals(alice, claims.get("sub").asText());
        assertTrue(claims.get("aud").isTextual(), "aud must be a string: distribution 2.8 rejects an array");
        assertEquals(SERVICE, claims.get("aud").asText());
        assertTrue(claims.get("iat").isIntegralNumber() && claims.get("exp").isIntegralNumber());
        assertEquals(300, claims.get("exp").asLong() - claims.get("iat").asLong());
        assertTrue(claims.get("nbf").asLong() < claims.get("iat").asLong());
        assertTrue(claims.get("jti").asText().length() >= 22);
        String otherJti = claims(token(alice, TestUsers.PASSWORD).path("token")).get("jti").asText();
        assertNotEquals(claims.get("jti").asText(), otherJti);

        JsonNode header = header(jwt);
        assertEquals("JWT", header.get("typ").asText());
        assertEquals("ES256", header.get("alg").asText());
        assertTrue(header.get("kid").asText().matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}"), "libtrust kid");
        assertEquals(1, header.get("x5c").size());
    }

    @Test
    void tokensVerifyAgainstThePublishedCertificate() throws Exception {
        String pem = given().get("/api/v1/token/certificate").then().statusCode(200).extract().asString();
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        String jwt = token(alice, TestUsers.PASSWORD).path("token");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(jwt);
        jws.setKey(certificate.getPublicKey());
        assertTrue(jws.verifySignature());
        given().get("/api/v1/token/jwks").then().statusCode(200)
                .body("keys[0].kty", equalTo("EC"))
                .body("keys[0].kid", equalTo(header(jwt).get("kid").asText()));
    }

    @Test
    void theSubjectIsTheAuthenticatedUserNeverTheAccountParameter() {
        given().queryParam("service", SERVICE).queryParam("account", bob)
                .auth().preemptive().basic(alice, TestUsers.PASSWORD)
                .get("/v2/token")
                .then().statusCode(400).body("errors[0].code", equalTo("UNSUPPORTED"));
    }

    @Test
    void anonymousCallersGetATokenWithoutRightsOnPrivateNamespaces() throws Exception {
        Response response = token(null, null, "repository:" + alice + "/app:pull");
        assertEquals("", claims(response.path("token")).get("sub").asText());
        assertEquals(0, access(response).get(0).get("actions").size());
    }

    @Test
    void theGlobalNamespaceIsPulledByUsersAndPushedByAdmins() throws Exception {
        assertEquals("[\"pull\"]", access(token(alice, TestUsers.PASSWORD, "repository:hello:pull,push")).get(0).get("actions").toString());
        assertEquals("[\"pull\",\"push\"]", access(token(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD, "repository:hello:pull,push")).get(0).get("actions").toString());
    }

    @Test
    void theCatalogIsForAdminsOnly() throws Exception {
        assertEquals("[\"*\"]", access(token(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD, "registry:catalog:*")).get(0).get("actions").toString());
        assertEquals("[]", access(token(alice, TestUsers.PASSWORD, "registry:catalog:*")).get(0).get("actions").toString());
    }

    @Test
    void unknownUsersAndWrongPasswordsGetTheSameAnswer() {
        Response unknown = token("nobody-here", "whatever-password");
        Response wrong = token(alice, "whatever-password");
        for (Response r : new Response[] {unknown, wrong}) {
            r.then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Basic realm="))
                    .body("errors[0].code", equalTo("UNAUTHORIZED"));
        }
        assertEquals(unknown.asString(), wrong.asString());
    }

    @Test
    void aTokenForAnotherServiceIsRefused() {
        given().queryParam("service", "elsewhere").get("/v2/token")
                .then().statusCode(400).body("errors[0].message", containsString("unknown service"));
    }

    @Test
    void malformedScopesAreRefused() {
        token(alice, TestUsers.PASSWORD, "repository:Alice/app:pull")
                .then().statusCode(400).body("errors[0].code", equalTo("UNSUPPORTED"));
    }

    @Test
    void aDisabledUserIsToldSoAndGetsNoToken() {
        String carol = TestUsers.create("carol");
        QuarkusTransaction.requiringNew().run(() -> User.update("enabled = false where username = ?1", carol));
        token(carol, TestUsers.PASSWORD).then().statusCode(403)
                .body("errors[0].code", equalTo("DENIED"))
                .body("errors[0].message", containsString("disabled"));
        token(carol, "wrong-password").then().statusCode(401);
    }

    @Test
    void offlineTokensRefreshWithoutRotating() throws Exception {
        String refresh = given().queryParam("service", SERVICE).queryParam("offline_token", "true")
                .queryParam("client_id", "docker")
                .auth().preemptive().basic(alice, TestUsers.PASSWORD)
                .get("/v2/token").then().statusCode(200)
                .body("refresh_token", notNullValue()).extract().path("refresh_token");

        Response refreshed = given().formParam("grant_type", "refresh_token").formParam("refresh_token", refresh)
                .formParam("service", SERVICE).formParam("client_id", "docker")
                .formParam("scope", "repository:" + alice + "/app:pull")
                .formParam("scope", "repository:" + bob + "/app:pull")
                .post("/v2/token");
        refreshed.then().statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("refresh_token", equalTo(refresh))
                .body("scope", equalTo("repository:" + alice + "/app:pull"));
        assertEquals(alice, claims(refreshed.path("access_token")).get("sub").asText());

        given().formParam("grant_type", "refresh_token").formParam("refresh_token", refresh + "x")
                .formParam("service", SERVICE).formParam("client_id", "docker")
                .post("/v2/token").then().statusCode(401);
    }

    @Test
    void thePasswordGrantWorksAndOtherGrantsAreUnsupported() {
        given().formParam("grant_type", "password").formParam("username", alice)
                .formParam("password", TestUsers.PASSWORD).formParam("service", SERVICE)
                .formParam("client_id", "containerd-client").formParam("access_type", "offline")
                .formParam("scope", "repository:" + alice + "/app:pull,push repository:" + alice + "/b:pull")
                .post("/v2/token").then().statusCode(200)
                .body("scope", equalTo("repository:" + alice + "/app:pull,push repository:" + alice + "/b:pull"))
                .body("refresh_token", notNullValue());
        given().formParam("grant_type", "client_credentials").formParam("service", SERVICE)
                .formParam("client_id", "x").post("/v2/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().formParam("grant_type", "password").formParam("username", alice)
                .formParam("password", TestUsers.PASSWORD).formParam("service", SERVICE)
                .post("/v2/token").then().statusCode(400);
        given().formParam("grant_type", "password").formParam("username", alice)
                .formParam("password", "nope-nope").formParam("service", SERVICE).formParam("client_id", "x")
                .post("/v2/token").then().statusCode(401);
    }

    @Test
    void theSameGrantAskedAgainWithinSecondsGetsTheSameTokenWithWhatIsLeftOfItsLifetime() throws Exception {
        MovingClock clock = new MovingClock();
        QuarkusMock.installMockForType(clock, Clock.class);
        String scope = "repository:" + alice + "/reused:pull,push";
        Response first = token(alice, TestUsers.PASSWORD, scope);
        clock.advance(Duration.ofSeconds(2)); // two seconds later: issued_at stays, expires_in shrinks by two
        Response again = token(alice, TestUsers.PASSWORD, scope);
        assertEquals(first.path("token").toString(), again.path("token").toString());
        assertEquals(first.path("issued_at").toString(), again.path("issued_at").toString());
        int before = first.path("expires_in");
        assertEquals(before - 2, (int) again.path("expires_in"));
        long exp = claims(again.path("token")).get("exp").asLong();
        long issued = Instant.parse(again.path("issued_at")).getEpochSecond();
        assertEquals(exp, issued + before, "expires_in counts down to the token's own exp");
        // Past the window, a token of its own.
        clock.advance(Duration.ofSeconds(20));
        Response later = token(alice, TestUsers.PASSWORD, scope);
        assertNotEquals(first.path("token").toString(), later.path("token").toString());
        assertEquals(before, (int) later.path("expires_in"));
    }

    @Test
    void aRoleRemovedWithinTheReuseWindowIsNotHandedOutAgain() throws Exception {
        QuarkusMock.installMockForType(new MovingClock(), Clock.class); // the window never ends on its own here
        String owner = TestUsers.create("reuse");
        String member = TestUsers.create("reusem");
        String team = "team" + System.nanoTime() % 100_000;
        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType("application/json")
                .body("{\"name\":\"" + team + "\"}").post("/api/v1/teams").then().statusCode(201);
        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType("application/json")
                .body("{\"username\":\"" + member + "\",\"role\":\"contributor\"}")
                .post("/api/v1/teams/{t}/members", team).then().statusCode(201);
        String scope = "repository:" + team + "/app:pull,push";
        Response contributor = token(member, TestUsers.PASSWORD, scope);
        assertEquals("[\"pull\",\"push\"]", access(contributor).get(0).get("actions").toString());

        given().auth().preemptive().basic(owner, TestUsers.PASSWORD).contentType("application/json")
                .body("{\"role\":\"viewer\"}").patch("/api/v1/teams/{t}/members/{u}", team, member).then()
                .statusCode(200);
        Response viewer = token(member, TestUsers.PASSWORD, scope);
        assertEquals("[\"pull\"]", access(viewer).get(0).get("actions").toString());
        assertNotEquals(contributor.path("token").toString(), viewer.path("token").toString());
    }

    @Test
    void anotherSubjectOrAnotherGrantGetsItsOwnToken() throws Exception {
        String scope = "repository:" + alice + "/own:pull";
        String mine = token(alice, TestUsers.PASSWORD, scope).path("token");
        String theirs = token(bob, TestUsers.PASSWORD, scope).path("token");
        assertNotEquals(mine, theirs);
        assertEquals(bob, claims(theirs).get("sub").asText());
        assertEquals(0, claims(theirs).get("access").get(0).get("actions").size());
        String wider = token(alice, TestUsers.PASSWORD, "repository:" + alice + "/own:pull,push").path("token");
        assertNotEquals(mine, wider);
        assertEquals("[\"pull\",\"push\"]", claims(wider).get("access").get(0).get("actions").toString());
    }
}
