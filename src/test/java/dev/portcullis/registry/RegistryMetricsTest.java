package dev.portcullis.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.core.CountedGauges;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation counts its outcome and its changes as it reports them, reachability follows the real registry
 * (down, then up), and the catalog gauges match the database once counted.
 */
@QuarkusTest
class RegistryMetricsTest {

    @Inject
    MeterRegistry meters;

    @Inject
    CountedGauges gauges;

    @Inject
    AgroalDataSource dataSource;

    double counter(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).counter().count();
    }

    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void reconciliationAndReachabilityFollowTheRegistry() throws Exception {
        // Nothing listens on the registry's port yet.
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/registry/status")
                .then().statusCode(200).body("reachable", equalTo(false));
        assertEquals(0, gauge("portcullis.registry.reachable"));
        double failed = counter("portcullis.reconciliations", "outcome", "failed");
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .post("/api/v1/registry/reconciliations").then().statusCode(503);
        assertEquals(failed + 1, counter("portcullis.reconciliations", "outcome", "failed"));

        Path work = Files.createTempDirectory("portcullis-metrics");
        RegistryProcess registry = GuardedRegistry.start(work, false, true, RegistryPortResource.port());
        try {
            String erin = TestUsers.create("erin");
            Path image = OciImage.write(work.resolve("image"), "1", "m.txt", "metrics".getBytes(StandardCharsets.UTF_8));
            Skopeo.Result push = Skopeo.push(image, "1", registry.host() + "/" + erin + "/unseen:1",
                    erin + ":" + TestUsers.PASSWORD);
            assertTrue(push.ok(), push::toString);

            double ok = counter("portcullis.reconciliations", "outcome", "ok");
            double added = counter("portcullis.reconciliation.changes", "kind", "added");
            double changed = counter("portcullis.reconciliation.changes", "kind", "changed");
            double removed = counter("portcullis.reconciliation.changes", "kind", "removed");
            Response result = given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                    .post("/api/v1/registry/reconciliations");
            result.then().statusCode(200).body("outcome", equalTo("ok"));

            assertEquals(ok + 1, counter("portcullis.reconciliations", "outcome", "ok"));
            assertTrue(result.jsonPath().getList("added").contains(erin + "/unseen:1"));
            assertEquals(added + result.jsonPath().getList("added").size(),
                    counter("portcullis.reconciliation.changes", "kind", "added"));
            assertEquals(changed + result.jsonPath().getList("changed").size(),
                    counter("portcullis.reconciliation.changes", "kind", "changed"));
            assertEquals(removed + result.jsonPath().getList("removed").size(),
                    counter("portcullis.reconciliation.changes", "kind", "removed"));
            assertEquals(1, gauge("portcullis.registry.reachable"));
        } finally {
            registry.stop();
        }
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/registry/status")
                .then().statusCode(200).body("reachable", equalTo(false));
        assertEquals(0, gauge("portcullis.registry.reachable"));
    }

    @Test
    void catalogGaugesMatchTheDatabaseOnceCounted() throws Exception {
        gauges.count();
        assertEquals(Rows.count(dataSource, "SELECT COUNT(*) FROM repositories"), gauge("portcullis.repositories"));
        assertEquals(Rows.count(dataSource, "SELECT COUNT(*) FROM tags"), gauge("portcullis.tags"));
    }
}
