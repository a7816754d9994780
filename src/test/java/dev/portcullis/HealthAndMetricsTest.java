package dev.portcullis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void liveAndReadyIncludingTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")));
    }

    @Test
    void tokenAndEventCountersAreExported() {
        given().queryParam("service", "registry.test").get("/v2/token").then().statusCode(200);
        given().header("Authorization", "Bearer test-events-secret").contentType("application/json")
                .body("{\"events\":[{\"id\":\"metrics-1\",\"timestamp\":\"2026-11-27T01:00:00Z\",\"action\":\"pull\","
                        + "\"target\":{\"repository\":\"a/b\",\"mediaType\":\"application/octet-stream\"}}]}")
                .post("/v2/webhooks/events").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("portcullis_token_requests_total{outcome=\"issued\"}"))
                .body(containsString("portcullis_registry_events_total{action=\"pull\""));
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/activities"));
    }
}
