package dev.portcullis.token;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Every answer of the token endpoint moves its outcome counter, its grant counter and the latency histogram. */
@QuarkusTest
class TokenMetricsTest {

    static final String SERVICE = "registry.test";

    @Inject
    MeterRegistry meters;

    double requests(String outcome) {
        return meters.get("portcullis.token.requests").tag("outcome", outcome).counter().count();
    }

    double issued(String grant) {
        return meters.get("portcullis.tokens.issued").tag("grant", grant).counter().count();
    }

    long timed(String outcome) {
        return meters.get("portcullis.token.duration").tag("outcome", outcome).timer().count();
    }

    @Test
    void issuedTokensCountByGrant() {
        String alice = TestUsers.create("alice");
        double issuedRequests = requests("issued");
        double anonymous = issued("anonymous");
        double basic = issued("basic");
        double password = issued("password");
        long timedIssued = timed("issued");

        given().queryParam("service", SERVICE).get("/v2/token").then().statusCode(200);
        given().queryParam("service", SERVICE).auth().preemptive().basic(alice, TestUsers.PASSWORD)
                .get("/v2/token").then().statusCode(200);
        given().formParam("grant_type", "password").formParam("service", SERVICE).formParam("client_id", "test")
                .formParam("username", alice).formParam("password", TestUsers.PASSWORD)
                .post("/v2/token").then().statusCode(200);

        assertEquals(issuedRequests + 3, requests("issued"));
        assertEquals(anonymous + 1, issued("anonymous"));
        assertEquals(basic + 1, issued("basic"));
        assertEquals(password + 1, issued("password"));
        assertEquals(timedIssued + 3, timed("issued"));
    }

    @Test
    void refusalsCountByOutcomeAndIssueNothing() {
        double unauthorized = requests("unauthorized");
        double badRequest = requests("bad_request");
        double issued = requests("issued");
        long timedUnauthorized = timed("unauthorized");
        long timedBadRequest = timed("bad_request");

        given().queryParam("service", SERVICE).auth().preemptive().basic("nobody", "wrong")
                .get("/v2/token").then().statusCode(401);
        given().queryParam("service", "elsewhere").get("/v2/token").then().statusCode(400);
        given().formParam("grant_type", "magic").formParam("service", SERVICE).formParam("client_id", "test")
                .post("/v2/token").then().statusCode(400);

        assertEquals(unauthorized + 1, requests("unauthorized"));
        assertEquals(badRequest + 2, requests("bad_request"));
        assertEquals(issued, requests("issued"));
        assertEquals(timedUnauthorized + 1, timed("unauthorized"));
        assertEquals(timedBadRequest + 2, timed("bad_request"));
    }

    @Test
    void answersMapToBoundedOutcomes() {
        assertEquals("issued", TokenMetrics.answer(200));
        assertEquals("unauthorized", TokenMetrics.answer(401));
        assertEquals("forbidden", TokenMetrics.answer(403));
        assertEquals("bad_request", TokenMetrics.answer(400));
        assertEquals("bad_request", TokenMetrics.answer(415));
        assertEquals("error", TokenMetrics.answer(503));
    }
}
