package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Repositories and tags true to the real registry: kept from events, detailed from manifests (OCI images and
 * multi-platform indexes), deletable through the API, repaired by reconciliation, untouched when the registry
 * is unreachable. The registry runs on the port Portcullis was configured to call.
 */
@QuarkusTest
class CatalogEndToEndTest {

    @Inject
    AgroalDataSource dataSource;

    RegistryProcess registry;
    Path work;

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    RegistryProcess start(boolean notifications) throws Exception {
        return start(notifications, true);
    }

    RegistryProcess start(boolean notifications, boolean deletes) throws Exception {
        if (work == null) {
            work = Files.createTempDirectory("portcullis-catalog");
        }
        registry = GuardedRegistry.start(work, notifications, deletes, RegistryPortResource.port());
        return registry;
    }

    static String creds(String user) {
        return user + ":" + TestUsers.PASSWORD;
    }

    static Response repository(String user, String name) {
        return given().auth().preemptive().basic(user, TestUsers.PASSWORD).get("/api/v1/repositories/" + name);
    }

    /** The registry's notifications and the details fetch are asynchronous: wait, bounded, for a condition. */
    static Response await(String user, String name, Predicate<Response> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Response last = repository(user, name);
        while (!condition.test(last) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            last = repository(user, name);
        }
        assertTrue(condition.test(last), () -> "gave up waiting on " + name + ": " + repository(user, name).asString());
        return last;
    }

    /**
     * A row the details fetcher cannot handle (a name or digest outside the grammar, from before the sink checked
     * them) waits its backoff like any failure, and the rows behind it are fetched all the same.
     */
    @Test
    void aBadManifestRowNeverBlocksTheDetailsOfOthers() throws Exception {
        String bob = TestUsers.create("bob");
        start(true);
        String bad = "sha256:not/../a-digest-" + System.nanoTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO manifests (digest, repository, next_attempt_at) VALUES (?, 'Not A Repository', ?)""")) {
            s.setString(1, bad);
            s.setTimestamp(2, Timestamp.from(Instant.parse("2000-01-01T00:00:00Z"))); // first in the queue
            s.executeUpdate();
        }
        Path image = OciImage.write(work.resolve("after-bad"), "1", "a.txt",
                ("after " + bob).getBytes(StandardCharsets.UTF_8));
        assertTrue(Skopeo.push(image, "1", registry.host() + "/" + bob + "/app:1", creds(bob)).ok());
        await(bob, bob + "/app", r -> r.statusCode() == 200 && r.jsonPath().getList("tags").size() == 1
                && !r.jsonPath().getBoolean("tags[0].detailsPending"));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT attempts, last_error, fetched_at FROM manifests WHERE digest = ?")) {
            s.setString(1, bad);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getInt(1) >= 1, "the bad row was tried and put back with a backoff");
                assertTrue(rs.getString(2) != null && !rs.getString(2).isEmpty());
                assertEquals(null, rs.getTimestamp(3));
            }
        }
    }

    @Test
    void imagesAndIndexesShowWithSizesAndPlatformsAndDeletesReachTheRegistry() throws Exception {
        String alice = TestUsers.create("alice");
        start(true);
        Path image = OciImage.write(work.resolve("image"), "1", "hello.txt", ("hi " + alice).getBytes(StandardCharsets.UTF_8),
                Map.of("org.opencontainers.image.title", "hello"));
        Path index = OciImage.writeIndex(work.resolve("index"), "1",
                List.of(OciImage.Platform.of("linux/amd64"), OciImage.Platform.of("linux/arm64/v8")));
        String hello = alice + "/hello";
        String multi = alice + "/multi";
        assertTrue(Skopeo.push(image, "1", registry.host() + "/" + hello + ":1", creds(alice)).ok());
        assertTrue(Skopeo.push(image, "1", registry.host() + "/" + hello + ":latest", creds(alice)).ok(), "retag");
        Skopeo.Result pushIndex = Skopeo.push(index, "1", registry.host() + "/" + multi + ":1", creds(alice), true);
        assertTrue(pushIndex.ok(), pushIndex::toString);

        // An OCI image: its tags, its digest, its compressed size, platform, pusher and labels.
        String digest = OciImage.manifestDigest(image, "1");
        Response helloRepo = await(alice, hello, r -> r.statusCode() == 200
                && r.jsonPath().getList("tags.name").size() == 2
                && !r.jsonPath().getBoolean("tags[0].detailsPending") && !r.jsonPath().getBoolean("tags[1].detailsPending"));
        helloRepo.then()
                .body("tags.digest", everyItem(digest))
                .body("tags[0].platforms", equalTo(List.of("linux/amd64")))
                .body("tags[0].pushedBy", equalTo(alice))
                .body("tags[0].labels.'org.opencontainers.image.title'", equalTo("hello"));
        assertTrue(helloRepo.jsonPath().getLong("tags[0].size") > 0);

        // A multi-platform index: one tag, every platform, the size of all its images.
        Response multiRepo = await(alice, multi, r -> r.statusCode() == 200 && r.jsonPath().getList("tags").size() == 1
                && !r.jsonPath().getBoolean("tags[0].detailsPending"));
        multiRepo.then()
                .body("tags[0].mediaType", equalTo(OciImage.INDEX_TYPE))
                .body("tags[0].platforms", equalTo(List.of("linux/amd64", "linux/arm64/v8")));
        assertTrue(multiRepo.jsonPath().getLong("tags[0].size") > 0);

        // Pulls are counted (GET only, Portcullis's own reads excluded) and listed to those who may pull.
        assertTrue(Skopeo.pull(registry.host() + "/" + multi + ":1", work.resolve("out"), creds(alice), true).ok());
        await(alice, multi, r -> r.jsonPath().getLong("pulls") >= 1 && r.jsonPath().get("tags[0].lastPulledAt") != null);
        given().auth().preemptive().basic(alice, TestUsers.PASSWORD).queryParam("namespace", alice).queryParam("sort", "pulls")
                .get("/api/v1/repositories").then().statusCode(200).body("items[0].name", equalTo(multi));
        String bob = TestUsers.create("bob");
        repository(bob, hello).then().statusCode(404);
        given().auth().preemptive().basic(bob, TestUsers.PASSWORD).get("/api/v1/repositories")
                .then().statusCode(200).body("items.name", org.hamcrest.Matchers.not(hasItem(hello)));

        // Deleting a tag deletes its image: a tag sharing the digest needs force, then the registry says 404.
        given().auth().preemptive().basic(alice, TestUsers.PASSWORD).delete("/api/v1/repositories/" + hello + "/tags/1")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("latest"));
        given().auth().preemptive().basic(bob, TestUsers.PASSWORD).delete("/api/v1/repositories/" + hello + "/tags/1")
                .then().statusCode(404);
        given().auth().preemptive().basic(alice, TestUsers.PASSWORD).queryParam("force", true)
                .delete("/api/v1/repositories/" + hello + "/tags/1")
                .then().statusCode(200).body("digest", equalTo(digest)).body("tags", equalTo(List.of("1", "latest")));
        Skopeo.Result gone = Skopeo.inspect(registry.host() + "/" + hello + ":1", creds(alice));
        assertFalse(gone.ok(), "the registry no longer serves the deleted tag");
        assertTrue(gone.errors().contains("manifest unknown") || gone.errors().contains("not found"), gone::toString);
        repository(alice, hello).then().statusCode(200).body("tags.size()", equalTo(0));
        given().auth().preemptive().basic(alice, TestUsers.PASSWORD).queryParam("repository", hello)
                .queryParam("action", "delete").get("/api/v1/activities")
                .then().statusCode(200).body("items.actor", hasItem(alice)).body("items.tag", hasItem("latest"));
    }

    @Test
    void reconciliationAddsWhatEventsMissedAndChangesNothingWhenTheRegistryIsDown() throws Exception {
        String carol = TestUsers.create("carol");
        start(false); // notifications off: Portcullis hears nothing of this push
        Path image = OciImage.write(work.resolve("offline-image"), "1", "f.txt", "offline".getBytes(StandardCharsets.UTF_8));
        String offline = carol + "/offline";
        assertTrue(Skopeo.push(image, "1", registry.host() + "/" + offline + ":1", creds(carol)).ok());
        repository(carol, offline).then().statusCode(404);

        Response result = given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .post("/api/v1/registry/reconciliations");
        result.then().statusCode(200).body("outcome", equalTo("ok")).body("added", hasItem(offline + ":1"));
        repository(carol, offline).then().statusCode(200)
                .body("tags[0].name", equalTo("1"))
                .body("tags[0].digest", equalTo(OciImage.manifestDigest(image, "1")));
        given().auth().preemptive().basic(carol, TestUsers.PASSWORD)
                .post("/api/v1/registry/reconciliations").then().statusCode(403);

        registry.stop();
        registry = null;
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .post("/api/v1/registry/reconciliations")
                .then().statusCode(503).contentType("application/problem+json").body("detail", containsString("nothing"));
        repository(carol, offline).then().statusCode(200).body("tags[0].name", equalTo("1"));
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/registry/status")
                .then().statusCode(200)
                .body("reachable", equalTo(false))
                .body("lastReconciliation.outcome", equalTo("failed"));
    }

    @Test
    void aRegistryThatRefusesDeletesIsNamedAsTheCause() throws Exception {
        String dan = TestUsers.create("dan");
        start(true, false);
        Path image = OciImage.write(work.resolve("kept"), "1", "k.txt", "kept".getBytes(StandardCharsets.UTF_8));
        String repo = dan + "/kept";
        assertTrue(Skopeo.push(image, "1", registry.host() + "/" + repo + ":1", creds(dan)).ok());
        await(dan, repo, r -> r.statusCode() == 200 && r.jsonPath().getList("tags").size() == 1);
        given().auth().preemptive().basic(dan, TestUsers.PASSWORD).delete("/api/v1/repositories/" + repo + "/tags/1")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("storage.delete.enabled"));
        repository(dan, repo).then().body("tags[0].name", equalTo("1"));
        assertTrue(Skopeo.inspect(registry.host() + "/" + repo + ":1", creds(dan)).ok(), "the image is still there");
    }

    static org.hamcrest.Matcher<Iterable<? extends Object>> everyItem(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }
}
