package dev.portcullis.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every series the shipped Grafana dashboard queries, and every label it filters or groups by, is exported on
 * {@code /q/metrics} once Portcullis has issued a token and stored an event. A renamed meter breaks this test
 * instead of leaving an empty panel.
 */
@QuarkusTest
class DashboardMetricsTest {

    static final Path DASHBOARD = Path.of("helm/portcullis/files/portcullis-dashboard.json");
    /** Labels Prometheus adds when it scrapes (target labels), not the application. */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "instance", "job", "service");

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");

    @TestHTTPResource(value = "/", management = true)
    URL management;

    static List<String> expressions() throws Exception {
        List<String> exprs = new java.util.ArrayList<>();
        for (JsonNode expr : new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr")) {
            exprs.add(expr.asText());
        }
        return exprs;
    }

    @Test
    void everyQueriedSeriesAndLabelIsExported() throws Exception {
        given().queryParam("service", "registry.test").get("/v2/token").then().statusCode(200);
        given().header("Authorization", "Bearer test-events-secret").contentType("application/json")
                .body("{\"events\":[{\"id\":\"dashboard-1\",\"timestamp\":\"2026-11-27T01:00:00Z\",\"action\":\"push\","
                        + "\"target\":{\"repository\":\"dash/board\",\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                        + "0".repeat(64) + "\",\"tag\":\"1\"}}]}")
                .post("/v2/webhooks/events").then().statusCode(200);
        String exposition = given().baseUri("http://" + management.getHost()).port(management.getPort())
                .get("/q/metrics").then().statusCode(200).extract().asString();

        Set<String> missing = new TreeSet<>();
        List<String> exprs = expressions();
        assertFalse(exprs.isEmpty());
        for (String expr : exprs) {
            Matcher m = SELECTOR.matcher(expr);
            Set<String> metrics = new TreeSet<>();
            while (m.find()) {
                String metric = m.group(1);
                metrics.add(metric);
                if (!Pattern.compile("(?m)^" + Pattern.quote(metric) + "[{ ]").matcher(exposition).find()) {
                    missing.add("series " + metric);
                    continue;
                }
                Matcher labels = LABEL.matcher(m.group(2));
                while (labels.find()) {
                    requireLabel(exposition, metric, labels.group(1), missing);
                }
            }
            Matcher by = BY.matcher(expr);
            while (by.find()) {
                for (String label : by.group(1).split(",")) {
                    // a label grouped by must exist on at least one of the expression's series
                    Set<String> without = new TreeSet<>();
                    for (String metric : metrics) {
                        requireLabel(exposition, metric, label.trim(), without);
                    }
                    if (without.size() == metrics.size()) {
                        missing.addAll(without);
                    }
                }
            }
        }
        assertEquals(Set.of(), missing, "queried by the dashboard but not exported");
    }

    private static void requireLabel(String exposition, String metric, String label, Set<String> missing) {
        if (TARGET_LABELS.contains(label)) {
            return;
        }
        if (!Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{[^}]*\\b" + Pattern.quote(label) + "=\"")
                .matcher(exposition).find()) {
            missing.add("label " + label + " on " + metric);
        }
    }
}
