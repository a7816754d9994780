package dev.portcullis.reliability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.MariaDbTestResource;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB goes away for 10 s while images are pushed through the real registry, which notifies Portcullis. The
 * sink must refuse fast (503) so the registry keeps the events and retries them, and once the database is back
 * every manifest push the registry saw must be stored exactly once. Pushes that could not get a token during
 * the outage are pushed again afterwards, as a CI pipeline would; pushes that already held a token (a client
 * keeps its token for its lifetime, five minutes) go on during the outage and are what the registry must retry.
 */
@QuarkusTest
class DatabaseOutageEndToEndTest {

    static final int IMAGES = 8;
    static final Duration OUTAGE = Duration.ofSeconds(10);
    static final Duration DELIVERY = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    RegistryProcess registry;

    @AfterEach
    void stop() {
        MariaDbTestResource.server().startProcess(); // a failed test must not leave the suite without its database
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void everyPushDuringAnOutageIsStoredOnceWhenTheDatabaseIsBack() throws Exception {
        Path work = Files.createTempDirectory("portcullis-outage");
        registry = GuardedRegistry.start(work);
        String user = TestUsers.create("outage");
        String creds = user + ":" + TestUsers.PASSWORD;
        List<Path> images = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(OciImage.write(work.resolve("image" + i), "v" + i, "hello.txt",
                    (user + " image " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)));
            refs.add(registry.host() + "/" + user + "/app" + i + ":v" + i);
        }
        // Images 2..5 are pushed during the outage by clients that got their token before it.
        List<String> tokens = new ArrayList<>();
        for (int i = 2; i < 6; i++) {
            tokens.add(given().auth().preemptive().basic(user, TestUsers.PASSWORD)
                    .queryParam("service", GuardedRegistry.SERVICE)
                    .queryParam("scope", "repository:" + user + "/app" + i + ":pull,push")
                    .get("/v2/token").then().statusCode(200).extract().path("token"));
        }
        for (int i = 0; i < 2; i++) {
            Skopeo.Result push = Skopeo.push(images.get(i), "v" + i, refs.get(i), creds);
            assertTrue(push.ok(), push::toString);
        }

        MariaDbServer database = MariaDbTestResource.server();
        long outageStarted = System.nanoTime();
        database.stopProcess();
        long stopMillis = (System.nanoTime() - outageStarted) / 1_000_000;

        // The sink, asked directly: a fast 503, well within the registry's timeout (3 s in our config, 1 s default).
        long sinkStarted = System.nanoTime();
        Response sink = given().header("Authorization", "Bearer " + GuardedRegistry.EVENTS_SECRET)
                .contentType(SampleEvents.MEDIA_TYPE)
                .body(SampleEvents.envelope(List.of(SampleEvents.manifestPush(UUID.randomUUID().toString(),
                        user + "/direct", "1", "sha256:" + "0".repeat(64), Instant.now()))))
                .post("/v2/webhooks/events");
        long sinkMillis = (System.nanoTime() - sinkStarted) / 1_000_000;
        long tokenStarted = System.nanoTime();
        int tokenStatus = given().auth().preemptive().basic(user, TestUsers.PASSWORD)
                .queryParam("service", GuardedRegistry.SERVICE).get("/v2/token").statusCode();
        long tokenMillis = (System.nanoTime() - tokenStarted) / 1_000_000;

        for (int i = 2; i < 6; i++) {
            Skopeo.Result push = Skopeo.run(List.of("copy", "--dest-tls-verify=false",
                    "--dest-registry-token", tokens.get(i - 2),
                    "oci:" + images.get(i).toAbsolutePath() + ":v" + i, "docker://" + refs.get(i)));
            assertTrue(push.ok(), () -> "a push with a token from before the outage needs no database: " + push);
        }
        List<Integer> retried = new ArrayList<>();
        for (int i = 6; i < IMAGES; i++) {
            if (!Skopeo.push(images.get(i), "v" + i, refs.get(i), creds).ok()) {
                retried.add(i); // no token while the database is down: the pipeline runs it again later
            }
        }
        long remaining = OUTAGE.toMillis() - (System.nanoTime() - outageStarted) / 1_000_000;
        if (remaining > 0) {
            Thread.sleep(remaining);
        }
        long outageMillis = (System.nanoTime() - outageStarted) / 1_000_000;
        database.startProcess();
        long backAt = System.nanoTime();
        long restartMillis = (backAt - outageStarted) / 1_000_000 - outageMillis;

        for (int i : retried) {
            Skopeo.Result push = null;
            for (int attempt = 0; attempt < 10 && (push == null || !push.ok()); attempt++) {
                if (attempt > 0) {
                    Thread.sleep(1000);
                }
                push = Skopeo.push(images.get(i), "v" + i, refs.get(i), creds);
            }
            Skopeo.Result last = push;
            assertTrue(last.ok(), () -> "a push once the database is back: " + last);
        }

        // Every manifest push the registry accepted, by its own access log, and what we stored.
        Set<String> pushed = new TreeSet<>();
        for (int i = 0; i < IMAGES; i++) {
            pushed.add(user + "/app" + i + ":v" + i);
        }
        Set<String> stored = storedManifestPushes(user);
        long waitFrom = System.nanoTime();
        while (!stored.equals(pushed) && System.nanoTime() - waitFrom < DELIVERY.toNanos()) {
            Thread.sleep(250);
            stored = storedManifestPushes(user);
        }
        long deliveredMillis = (System.nanoTime() - backAt) / 1_000_000;
        String log = registry.log();
        int registryManifestPushes = count(Pattern.compile(
                "\"PUT /v2/" + Pattern.quote(user) + "/app\\d+/manifests/v\\d+ HTTP/1\\.1\" 201"), log);
        int registryBlobPushes = count(Pattern.compile(
                "\"PUT /v2/" + Pattern.quote(user) + "/app\\d+/blobs/uploads/\\S+ HTTP/1\\.1\" 201"), log);
        int registryRetries = count(Pattern.compile("retryingsink: error writing events"), log);
        System.out.printf(Locale.ROOT, "outage: mariadbd stopped in %d ms, down %d ms, back in %d ms; sink answered"
                + " %d in %d ms, token endpoint %d in %d ms; %d pushes needed a retry after the outage; registry"
                + " reported %d failed deliveries; all %d manifest pushes stored %d ms after the database was back%n",
                stopMillis, outageMillis, restartMillis, sink.statusCode(), sinkMillis, tokenStatus, tokenMillis,
                retried.size(), registryRetries, IMAGES, deliveredMillis);

        assertEquals(503, sink.statusCode(), sink::asString);
        assertEquals("1", sink.header("Retry-After"));
        assertTrue(registryRetries > 0, "the registry had to retry deliveries during the outage:\n" + log);
        assertEquals(pushed, stored, "every manifest push is stored");
        // Exactly once: one row per manifest push the registry accepted, and one per blob it accepted.
        assertEquals(IMAGES, registryManifestPushes, log);
        assertEquals(registryManifestPushes, count("SELECT COUNT(*) FROM registry_events WHERE action = 'push'"
                + " AND media_type = ? AND repository LIKE ?", OciImage.MANIFEST_TYPE, user + "/%"));
        assertEquals(registryBlobPushes, count("SELECT COUNT(*) FROM registry_events WHERE action = 'push'"
                + " AND media_type = 'application/octet-stream' AND repository LIKE ?", user + "/%"));
        assertEquals(IMAGES, count("SELECT COUNT(*) FROM activities WHERE action = 'push' AND repository LIKE ?",
                user + "/%"));
    }

    static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    Set<String> storedManifestPushes(String user) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT repository, tag FROM registry_events WHERE action = 'push' AND media_type = ?"
                        + " AND repository LIKE ?")) {
            s.setString(1, OciImage.MANIFEST_TYPE);
            s.setString(2, user + "/%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ":" + rs.getString(2));
                }
            }
        } catch (java.sql.SQLException e) {
            return out; // the pool may still hand out a connection from before the restart: ask again
        }
        return out;
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }
}
