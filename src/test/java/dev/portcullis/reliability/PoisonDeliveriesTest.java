package dev.portcullis.reliability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.Envelope;
import dev.portcullis.events.EnvelopeParser;
import dev.portcullis.events.EventWriter;
import dev.portcullis.events.RegistryEvent;
import dev.portcullis.events.StoreResult;
import dev.portcullis.registry.CatalogWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.HeldWriter;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a registry, a forger or a bug may send the sink that must not hurt anyone else: a body without the secret,
 * names and digests outside the registry's grammar, a value the database refuses in the middle of a group commit,
 * and a delete that arrives before the push it undoes.
 */
@QuarkusTest
class PoisonDeliveriesTest {

    static final String SINK = "/v2/webhooks/events";
    static final String SECRET = "Bearer test-events-secret";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CatalogWriter writer;

    @Inject
    MeterRegistry meters;

    @Inject
    EventWriter sink;

    @Inject
    ObjectMapper json;

    EnvelopeParser parser;

    @BeforeEach
    void parser() {
        parser = new EnvelopeParser(json);
    }

    @Test
    void aBodyWithoutTheSecretIsRefusedBeforeItIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            OutputStream out = socket.getOutputStream();
            // Announces 8 MB and sends none of it: only an answer given before reading the body can come back.
            out.write(("POST " + SINK + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 8000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 401 Unauthorized", status);
        }
    }

    @Test
    void namesAndDigestsOutsideTheGrammarAreParkedNeverStored() throws Exception {
        String run = "poison" + UUID.randomUUID().toString().substring(0, 8);
        Instant at = Instant.parse("2026-11-25T09:00:00Z");
        List<String> forged = List.of(
                SampleEvents.manifestPush(run + "-a", "Bad Repo", "1", "sha256:" + "1".repeat(64), at),
                SampleEvents.manifestPush(run + "-b", run + "/ok", "1", "sha256:../../etc/passwd", at),
                SampleEvents.manifestPush(run + "-c", run + "/ok", "not a tag", "sha256:" + "2".repeat(64), at));
        given().header("Authorization", SECRET).body(SampleEvents.envelope(forged)).post(SINK).then()
                .statusCode(200).body("stored", equalTo(0)).body("parked", equalTo(3));
        assertEquals(3, count("SELECT COUNT(*) FROM parked_events WHERE event_id LIKE ?", run + "-%"));
        assertEquals(0, count("SELECT COUNT(*) FROM registry_events WHERE event_id LIKE ?", run + "-%"));
        assertEquals(0, count("SELECT COUNT(*) FROM manifests WHERE repository IN (?, ?)", "Bad Repo", run + "/ok"));
    }

    @Test
    void aTimestampMariaDbCannotKeepIsParked() throws Exception {
        String run = "late" + UUID.randomUUID().toString().substring(0, 8);
        String beyond = SampleEvents.manifestPush(run + "-a", run + "/r", "1", digest(1),
                Instant.parse("2040-06-01T00:00:00Z"));
        given().header("Authorization", SECRET).body(SampleEvents.envelope(List.of(beyond))).post(SINK).then()
                .statusCode(200).body("parked", equalTo(1));
        assertEquals(1, count("SELECT COUNT(*) FROM parked_events WHERE event_id = ? AND reason LIKE ?", run + "-a",
                "timestamp outside%"));
    }

    /**
     * The net under the parser: a delivery the database refuses for a value of its own must not fail the deliveries
     * it shares a commit with, nor come back forever. Sent to the sink's writer directly, for the parser would park
     * such a value before (a refused value that passes it is by definition one nobody foresaw).
     */
    @Test
    void aDeliveryTheDatabaseRefusesIsParkedAndTheRestOfItsBatchCommits() throws Exception {
        String run = "refused" + UUID.randomUUID().toString().substring(0, 8);
        Instant at = Instant.parse("2026-11-25T09:00:00Z");
        Envelope good = envelope(push(run, "a", at));
        Envelope parsed = envelope(push(run, "b", at), SampleEvents.manifestPush(run + "-late", run + "/r", "late",
                digest(9), at));
        RegistryEvent late = parsed.events().get(1);
        Envelope mixed = new Envelope(List.of(parsed.events().get(0), new RegistryEvent(late.id(),
                Instant.parse("2040-06-01T00:00:00Z"), late.action(), late.repository(), late.tag(), late.digest(),
                late.mediaType(), late.size(), late.url(), late.fromRepository(), late.actor(), late.requestId(),
                late.requestAddr(), late.requestHost(), late.requestMethod(), late.userAgent(), late.sourceAddr(),
                late.sourceInstance())), List.of());
        Envelope other = envelope(push(run, "c", at));

        HeldWriter held = HeldWriter.hold(writer);
        List<Future<StoreResult>> answers = new ArrayList<>();
        try {
            for (Envelope envelope : List.of(good, mixed, other)) {
                answers.add(sink.store(envelope, Runnable::run));
            }
            // All three wait behind the held write, so they are written as one batch once it is let go.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (meters.get("portcullis.catalog.writer.queued").gauge().value() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(meters.get("portcullis.catalog.writer.queued").gauge().value() >= 3, "three deliveries queued");
            held.release();
            assertEquals(new StoreResult(1, 0, 0), answers.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(new StoreResult(1, 0, 1), answers.get(1).get(60, TimeUnit.SECONDS));
            assertEquals(new StoreResult(1, 0, 0), answers.get(2).get(60, TimeUnit.SECONDS));
        } finally {
            held.close();
        }
        assertEquals(List.of("a", "b", "c"), tags(run + "/r"));
        assertEquals(1, count("SELECT COUNT(*) FROM parked_events WHERE event_id = ? AND reason LIKE ?", run + "-late",
                "could not be stored%"));
        assertEquals(0, count("SELECT COUNT(*) FROM registry_events WHERE event_id = ?", run + "-late"));
        // A retry changes nothing: its events are found stored or parked.
        assertEquals(new StoreResult(0, 1, 1), sink.store(mixed, Runnable::run).get(60, TimeUnit.SECONDS));
        assertEquals(1, count("SELECT COUNT(*) FROM parked_events WHERE event_id = ?", run + "-late"));
    }

    private Envelope envelope(String... events) {
        return parser.parse(SampleEvents.envelope(List.of(events)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeleteThatArrivesBeforeItsPushLeavesNoTag() throws Exception {
        String run = "tomb" + UUID.randomUUID().toString().substring(0, 8);
        String repository = run + "/r";
        Instant pushed = Instant.parse("2026-11-25T09:00:00Z");
        String deleteByTag = """
                {"id":"%s","timestamp":"%s","action":"delete","target":{"repository":"%s","tag":"1"},
                 "request":{"id":"d","method":"DELETE"},"actor":{"name":"ci"}}"""
                .formatted(run + "-del", pushed.plusSeconds(60), repository);
        deliver(SampleEvents.manifestPush(run + "-other", repository, "2", digest(2), pushed));
        deliver(deleteByTag);
        deliver(SampleEvents.manifestPush(run + "-push", repository, "1", digest(1), pushed));
        assertEquals(List.of("2"), tags(repository), "the late push of a deleted tag does not bring it back");
        deliver(SampleEvents.manifestPush(run + "-again", repository, "1", digest(3), pushed.plusSeconds(120)));
        assertEquals(List.of("1", "2"), tags(repository), "a push after the delete does");
    }

    private static String push(String run, String tag, Instant at) {
        return SampleEvents.manifestPush(run + "-" + tag, run + "/r", tag, digest(tag.charAt(0)), at);
    }

    private static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    private static void deliver(String event) {
        given().header("Authorization", SECRET).body(SampleEvents.envelope(List.of(event))).post(SINK).then()
                .statusCode(200);
    }

    private static List<String> tags(String repository) {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .get("/api/v1/repositories/" + repository).then().statusCode(200).extract().jsonPath()
                .<String>getList("tags.name").stream().sorted().toList();
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }
}
