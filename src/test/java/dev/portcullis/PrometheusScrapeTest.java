package dev.portcullis;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testsupport.PrometheusProcess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What an operator's Prometheus sees: Debian's prometheus scrapes the management port every second, and the
 * token requests made here come out of its query API as {@code portcullis_token_requests_total} and as a
 * latency quantile.
 */
@QuarkusTest
class PrometheusScrapeTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void prometheusScrapesTheManagementPortAndSeesTokenRequests() throws Exception {
        String host = "localhost".equals(management.getHost()) ? "127.0.0.1" : management.getHost();
        Path work = Files.createTempDirectory("portcullis-prometheus");
        try (PrometheusProcess prometheus = PrometheusProcess.start(work, host + ":" + management.getPort(),
                Duration.ofSeconds(1))) {
            // Requests before and during the scrapes, so that rate() has two samples with an increase between.
            JsonNode issued = null;
            JsonNode p99 = null;
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                for (int i = 0; i < 5; i++) {
                    given().queryParam("service", "registry.test").get("/v2/token").then().statusCode(200);
                }
                issued = prometheus.query("portcullis_token_requests_total{job=\"portcullis\",outcome=\"issued\"}");
                p99 = prometheus.query("histogram_quantile(0.99, sum by (le) "
                        + "(rate(portcullis_token_duration_seconds_bucket{job=\"portcullis\"}[10s])))");
                if (hasSample(issued, v -> v > 0) && hasSample(p99, v -> v > 0)) {
                    break;
                }
                Thread.sleep(500);
            }
            String context = "\ntargets: " + prometheus.targets() + "\nlog:\n" + prometheus.log();
            assertTrue(hasSample(issued, v -> v > 0), "no issued token requests in Prometheus: " + issued + context);
            assertEquals(1, issued.size(), "one series for one instance: " + issued);
            assertTrue(hasSample(p99, v -> v > 0 && v <= 10), "no token latency p99: " + p99 + context);
            JsonNode up = prometheus.query("up{job=\"portcullis\"}");
            assertTrue(hasSample(up, v -> v == 1), "the target is up: " + up + context);
        }
    }

    /** Whether a query result has a sample whose value passes {@code test}; values come as strings. */
    static boolean hasSample(JsonNode result, Predicate<Double> test) {
        if (result == null) {
            return false;
        }
        for (JsonNode series : result) {
            String value = series.path("value").path(1).asText("NaN");
            if (test.test(Double.parseDouble(value))) {
                return true;
            }
        }
        return false;
    }
}
