package dev.portcullis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics and OpenAPI are served on the management interface ({@code quarkus.management.enabled}), the
 * port the probes and Prometheus use; the main port, the one behind the public ingress, does not serve them.
 */
@QuarkusTest
class HealthAndMetricsTest {

    /** On the management interface (root path {@code /q}); its port is random in tests (test-port 0). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private RequestSpecification onManagement() {
        return given().baseUri(management.getProtocol() + "://" + management.getHost()).port(management.getPort());
    }

    @Test
    void liveAndReadyIncludingTheDatabase() {
        onManagement().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        onManagement().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")));
        onManagement().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void tokenAndEventCountersAreExported() {
        given().queryParam("service", "registry.test").get("/v2/token").then().statusCode(200);
        given().header("Authorization", "Bearer test-events-secret").contentType("application/json")
                .body("{\"events\":[{\"id\":\"metrics-1\",\"timestamp\":\"2026-11-27T01:00:00Z\",\"action\":\"pull\","
                        + "\"target\":{\"repository\":\"a/b\",\"mediaType\":\"application/octet-stream\"}}]}")
                .post("/v2/webhooks/events").then().statusCode(200);
        onManagement().get("/q/metrics").then().statusCode(200)
                .body(containsString("portcullis_token_requests_total{outcome=\"issued\"}"))
                .body(containsString("portcullis_registry_events_total{action=\"pull\""));
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        onManagement().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/activities"));
    }

    /** What the public ingress routes to: the API and the token endpoint, never health, metrics or OpenAPI. */
    @Test
    void theMainPortServesNoneOfQ() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/openapi").then().statusCode(404);
    }
}
