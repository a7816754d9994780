package dev.portcullis.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every series the shipped Grafana dashboard queries, and every label it filters or groups by, is exported on
 * {@code /q/metrics} once an image was pushed and pulled through the real registry (tokens issued, events stored,
 * a reconciliation run). A renamed meter or label breaks this test instead of leaving an empty panel.
 */
@QuarkusTest
class DashboardMetricsTest {

    static final Path DASHBOARD = Path.of("helm/portcullis/files/portcullis-dashboard.json");
    /** Labels Prometheus adds when it scrapes (target labels), not the application. */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "instance", "job", "service");

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
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

    @Inject
    MeterRegistry meters;

    double activities(String action) {
        return meters.find("portcullis.namespace.activities").tag("action", action).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** A real push and pull through Debian's registry, its notifications to the sink, and a reconciliation. */
    String afterAPushAndAPull() throws Exception {
        Path work = Files.createTempDirectory("portcullis-dashboard");
        RegistryProcess registry = GuardedRegistry.start(work, true, true, RegistryPortResource.port());
        try {
            String user = TestUsers.create("dash");
            String creds = user + ":" + TestUsers.PASSWORD;
            double pushes = activities("push");
            double pulls = activities("pull");
            Path image = OciImage.write(work.resolve("image"), "1", "d.txt", "dashboard".getBytes(StandardCharsets.UTF_8));
            String ref = registry.host() + "/" + user + "/board:1";
            Skopeo.Result push = Skopeo.push(image, "1", ref, creds);
            assertTrue(push.ok(), push::toString);
            Skopeo.Result pull = Skopeo.pull(ref, work.resolve("pulled"), creds);
            assertTrue(pull.ok(), pull::toString);
            given().queryParam("service", "registry.test").get("/v2/token").then().statusCode(200);
            given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                    .post("/api/v1/registry/reconciliations").then().statusCode(200);
            // The registry delivers its notifications asynchronously.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while ((activities("push") <= pushes || activities("pull") <= pulls) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertTrue(activities("push") > pushes && activities("pull") > pulls,
                    () -> "the push and the pull never reached the sink:\n" + registry.log());
            // jvm_gc_pause_seconds exists from the first collection on: a short test run may not have had one yet.
            System.gc();
            while (meters.find("jvm.gc.pause").timer() == null && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            return given().baseUri("http://" + management.getHost()).port(management.getPort())
                    .get("/q/metrics").then().statusCode(200).extract().asString();
        } finally {
            registry.stop();
        }
    }

    @Test
    void everyQueriedSeriesAndLabelIsExported() throws Exception {
        String exposition = afterAPushAndAPull();

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
                    if (labels.group(2).equals("=") && !TARGET_LABELS.contains(labels.group(1))) {
                        requireValue(exposition, metric, labels.group(1), labels.group(3), missing);
                    }
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

    /** A label matched with = must match an exported value: a renamed value would leave the panel empty. */
    private static void requireValue(String exposition, String metric, String label, String value,
            Set<String> missing) {
        if (!Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{[^}]*\\b" + Pattern.quote(label + "=\"" + value + "\""))
                .matcher(exposition).find()) {
            missing.add("value " + label + "=\"" + value + "\" on " + metric);
        }
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
