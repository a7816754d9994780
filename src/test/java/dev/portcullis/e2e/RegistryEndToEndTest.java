package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core loop against the real thing: Debian's docker-registry (distribution 2.8) with token auth pointing at
 * Portcullis and notifications pointing at its sink, and skopeo as the docker client.
 */
@QuarkusTest
class RegistryEndToEndTest {

    static Path work;
    static RegistryProcess registry;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void startRegistry() throws Exception {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (registry != null) {
            return;
        }
        work = Files.createTempDirectory("portcullis-e2e");
        registry = GuardedRegistry.start(work);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    static String creds(String user) {
        return user + ":" + (user.equals(TestUsers.ADMIN) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD);
    }

    @Test
    void aUserPushesToTheirNamespaceAndThePolicyDecidesWhoElseMay() throws Exception {
        String alice = TestUsers.create("alice");
        String bob = TestUsers.create("bob");
        Path image = OciImage.write(work.resolve("image"), "1", "hello.txt",
                ("hello from " + alice).getBytes(StandardCharsets.UTF_8));
        String ref = registry.host() + "/" + alice + "/hello:1";

        Skopeo.Result push = Skopeo.push(image, "1", ref, creds(alice));
        assertTrue(push.ok(), () -> "alice pushes to her namespace: " + push + "\n" + registry.log());

        Skopeo.Result bobPush = Skopeo.push(image, "1", registry.host() + "/" + alice + "/hello:2", creds(bob));
        assertFalse(bobPush.ok(), "bob may not push to alice's namespace");
        Skopeo.Result bobPull = Skopeo.pull(ref, work.resolve("bob-pull"), creds(bob));
        assertFalse(bobPull.ok(), "bob may not pull from alice's private namespace");
        Skopeo.Result anonymousPull = Skopeo.pull(ref, work.resolve("anon-pull"), null);
        assertFalse(anonymousPull.ok(), "anonymous callers may not pull from a private namespace");
        Skopeo.Result wrongPassword = Skopeo.pull(ref, work.resolve("wrong-pull"), alice + ":not-her-password");
        assertFalse(wrongPassword.ok());

        Skopeo.Result adminPull = Skopeo.pull(ref, work.resolve("admin-pull"), creds(TestUsers.ADMIN));
        assertTrue(adminPull.ok(), () -> "an admin pulls anything: " + adminPull);
        assertEquals(OciImage.manifestDigest(image, "1"), OciImage.manifestDigest(work.resolve("admin-pull"), "latest"));

        Skopeo.Result bobOwn = Skopeo.push(image, "1", registry.host() + "/" + bob + "/copy:1", creds(bob));
        assertTrue(bobOwn.ok(), () -> "bob pushes to his own namespace: " + bobOwn);

        String digest = OciImage.manifestDigest(image, "1");
        awaitCount(1, "SELECT COUNT(*) FROM registry_events WHERE action = 'push' AND repository = ? AND tag = '1'"
                + " AND digest = ? AND media_type = 'application/vnd.oci.image.manifest.v1+json' AND actor = ?",
                alice + "/hello", digest, alice);
        awaitCount(1, "SELECT COUNT(*) FROM activities WHERE action = 'pull' AND repository = ? AND actor = 'admin'",
                alice + "/hello");
        awaitCount(1, "SELECT COUNT(*) FROM activities WHERE action = 'push' AND repository = ?", bob + "/copy");
        // The layer and config blobs are kept as events, but only the manifest is an activity.
        assertTrue(count("SELECT COUNT(*) FROM registry_events WHERE repository = ? AND media_type = 'application/octet-stream'",
                alice + "/hello") >= 2);
        assertEquals(1, count("SELECT COUNT(*) FROM activities WHERE repository = ? AND action = 'push'", alice + "/hello"));
        // Stored once: no event id twice, and the user agent and source are kept for later questions.
        assertEquals(count("SELECT COUNT(*) FROM registry_events"), count("SELECT COUNT(DISTINCT event_id) FROM registry_events"));
        assertEquals(1, count("SELECT COUNT(*) FROM registry_events WHERE repository = ? AND action = 'push' AND tag = '1'"
                + " AND user_agent LIKE 'skopeo/%' AND request_method = 'PUT' AND source_instance IS NOT NULL", alice + "/hello"));

        List<String> actions = given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .queryParam("repository", alice + "/hello")
                .get("/api/v1/activities").then().statusCode(200).extract().path("items.action");
        assertEquals(List.of("pull", "push"), actions);
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }

    /** The registry notifies on its own schedule: wait, bounded, for the expected rows. */
    void awaitCount(long expected, String sql, Object... args) throws Exception {
        Rows.awaitExactly(dataSource, expected, () -> "registry log:\n" + registry.log(), sql, args);
    }
}
