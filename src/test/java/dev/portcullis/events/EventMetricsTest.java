package dev.portcullis.events;

import static dev.portcullis.events.EventsResourceTest.deliver;
import static dev.portcullis.events.EventsResourceTest.envelope;
import static dev.portcullis.events.EventsResourceTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each event of a delivery moves exactly one result counter by one, and the ingest histogram by one delivery. */
@QuarkusTest
class EventMetricsTest {

    static final String NOW = "2026-11-27T02:00:00Z";

    @Inject
    MeterRegistry meters;

    @Inject
    EventMetrics metrics;

    double events(String action, String result) {
        return meters.get("portcullis.registry.events").tags("action", action, "result", result).counter().count();
    }

    double activities(String action, String namespace) {
        var counter = meters.find("portcullis.namespace.activities")
                .tags("action", action, "registry_namespace", metrics.namespaceLabel(namespace)).counter();
        return counter == null ? 0 : counter.count();
    }

    long ingested() {
        return meters.get("portcullis.ingest.duration").tag("outcome", "committed").timer().count();
    }

    static String id() {
        return "metrics-" + UUID.randomUUID();
    }

    @Test
    void aRepeatedDeliveryCountsStoredOnceThenDuplicate() {
        String namespace = "metrics" + System.nanoTime() % 100_000;
        double stored = events("push", "stored");
        double duplicate = events("push", "duplicate");
        double pushes = activities("push", namespace);
        long deliveries = ingested();

        String body = envelope(event(id(), "push", namespace + "/app", "1", "PUT", NOW));
        deliver(body).then().statusCode(200);
        deliver(body).then().statusCode(200);

        assertEquals(stored + 1, events("push", "stored"));
        assertEquals(duplicate + 1, events("push", "duplicate"));
        assertEquals(pushes + 1, activities("push", namespace), "the retry is no second push");
        assertEquals(deliveries + 2, ingested());
    }

    @Test
    void aGetOfAManifestIsAPullAndAHeadIsIgnored() {
        String namespace = "metrics" + System.nanoTime() % 100_000;
        double stored = events("pull", "stored");
        double ignored = events("pull", "ignored");
        double pulls = activities("pull", namespace);

        deliver(envelope(event(id(), "pull", namespace + "/app", "1", "GET", NOW),
                event(id(), "pull", namespace + "/app", "1", "HEAD", NOW))).then().statusCode(200);

        assertEquals(stored + 1, events("pull", "stored"));
        assertEquals(ignored + 1, events("pull", "ignored"));
        assertEquals(pulls + 1, activities("pull", namespace));
    }

    @Test
    void blobEventsAndMountsAreIgnored() {
        double pushIgnored = events("push", "ignored");
        double mountIgnored = events("mount", "ignored");
        String blob = """
                {"id":"%s","timestamp":"%s","action":"%s","target":{"mediaType":"application/octet-stream",
                 "digest":"sha256:%s","repository":"metrics/blob",
                 "url":"http://r/v2/metrics/blob/blobs/sha256:%s"}}""";
        String digest = "1".repeat(64);
        deliver(envelope(blob.formatted(id(), NOW, "push", digest, digest),
                blob.formatted(id(), NOW, "mount", digest, digest))).then().statusCode(200);

        assertEquals(pushIgnored + 1, events("push", "ignored"));
        assertEquals(mountIgnored + 1, events("mount", "ignored"));
    }

    @Test
    void poisonEventsAreParked() {
        double parked = events("unknown", "parked");
        deliver(envelope("{\"id\":\"" + id() + "\",\"action\":\"explode\",\"timestamp\":\"" + NOW + "\"}",
                "42")).then().statusCode(200);
        assertEquals(parked + 2, events("unknown", "parked"));
    }
}
