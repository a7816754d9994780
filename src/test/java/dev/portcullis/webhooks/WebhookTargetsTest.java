package dev.portcullis.webhooks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.TestUsers;
import dev.portcullis.testsupport.WebhookReceiver;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * With private targets not allowed (the default everywhere but the test suite): a URL to loopback, link-local or a
 * private range is refused when a webhook is saved, and a host name that resolves inside by the time a delivery
 * goes (DNS rebinding; here a webhook stored before the check, pointing at {@code localhost}) is refused then:
 * the receiver listening there sees nothing, the log says why.
 */
@QuarkusTest
@TestProfile(WebhookTargetsTest.NoPrivateTargets.class)
class WebhookTargetsTest {

    public static class NoPrivateTargets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.webhooks.allow-private-targets", "false");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data", "http://10.0.0.7/hook", "http://192.168.0.1/", "http://[fd00::1]/",
        "http://0.0.0.0/"})
    void internalTargetsAreRefusedWhenSaved(String url) {
        String alice = TestUsers.create("alice");
        given().auth().preemptive().basic(alice, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("namespace", alice, "name", "inside", "url", url)).post("/api/v1/webhooks")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("refused"));
        assertEquals(0, Webhook.count("url", url) == 0 ? 0 : 1);
    }

    @Test
    void aTargetThatResolvesInsideAtDeliveryTimeIsRefusedThen() throws Exception {
        String alice = TestUsers.create("alice");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long id;
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                    INSERT INTO webhooks (namespace_id, name, url, events, format, secret)
                    SELECT id, 'rebound', ?, 'push', 'cloudevents', 'secret-secret-secret' FROM namespaces
                    WHERE name = ? RETURNING id""")) {
                s.setString(1, receiver.url("/rebound").replace("127.0.0.1", "localhost"));
                s.setString(2, alice);
                var rs = s.executeQuery();
                assertTrue(rs.next());
                id = rs.getLong(1);
            }
            double refusedBefore = refused();
            given().auth().preemptive().basic(alice, TestUsers.PASSWORD).post("/api/v1/webhooks/{id}/ping", id)
                    .then().statusCode(202);
            Rows.awaitExactly(dataSource, 1, () -> "", """
                    SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                    WHERE d.webhook_id = ? AND a.error LIKE 'target refused: %internal address%'""", id);
            assertEquals(0, receiver.received().size(), "nothing reached the internal address");
            assertEquals(refusedBefore + 1, refused());
        }
    }

    double refused() {
        return meters.find("portcullis.webhooks.deliveries").tag("result", "refused").counter().count();
    }
}
