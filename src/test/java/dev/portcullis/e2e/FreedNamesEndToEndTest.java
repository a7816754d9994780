package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A name set free never hands its images to whoever takes it next, with Debian's registry and skopeo: a deleted
 * account's personal namespace stays with the admins, and no namespace is deleted while it holds images. Once the
 * images are deleted (through the API, so in the registry) and the namespace with them, a new owner of the name
 * pulls nothing old and sees nothing of the old feed.
 */
@QuarkusTest
class FreedNamesEndToEndTest {

    static Path work;
    static RegistryProcess registry;

    @BeforeEach
    void startRegistry() throws Exception {
        if (registry == null) {
            work = Files.createTempDirectory("portcullis-freed-names");
            registry = GuardedRegistry.start(work, true, true, RegistryPortResource.port());
        }
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
            registry = null;
        }
    }

    @Test
    void aDeletedAccountsNameComesBackOnlyEmpty() throws Exception {
        String alice = TestUsers.create("freed");
        String ref = registry.host() + "/" + alice + "/app:1";
        Path image = OciImage.write(work.resolve(alice), "1", "secret.txt",
                ("alice's private build " + alice).getBytes(StandardCharsets.UTF_8));
        assertTrue(Skopeo.push(image, "1", ref, alice + ":" + TestUsers.PASSWORD).ok());
        awaitTags(alice + "/app", 1);

        admin().delete("/api/v1/users/{u}", alice).then().statusCode(204);
        // The name is not free while its namespace may hold the account's images.
        admin().body(Map.of("username", alice, "password", TestUsers.PASSWORD)).post("/api/v1/users").then()
                .statusCode(409);
        admin().delete("/api/v1/namespaces/{n}", alice).then().statusCode(409)
                .body("detail", containsString(alice + "/app"));
        // The admins still reach the images: they delete them in the registry, then the empty namespace.
        admin().delete("/api/v1/repositories/" + alice + "/app").then().statusCode(200);
        admin().delete("/api/v1/namespaces/{n}", alice).then().statusCode(204);

        admin().body(Map.of("username", alice, "password", TestUsers.PASSWORD)).post("/api/v1/users").then()
                .statusCode(201);
        Skopeo.Result pull = Skopeo.pull(ref, work.resolve(alice + "-pull"), alice + ":" + TestUsers.PASSWORD);
        assertFalse(pull.ok(), () -> "the new " + alice + " pulled the old one's image: " + pull);
        as(alice).get("/api/v1/repositories/" + alice + "/app").then().statusCode(404);
        assertEquals(List.of(), as(alice).queryParam("namespace", alice).get("/api/v1/activities").then()
                .statusCode(200).extract().jsonPath().getList("items"), "nothing of the old feed");
    }

    @Test
    void aTeamNamespaceGoesOnlyEmpty() throws Exception {
        String owner = TestUsers.create("tfreed");
        String newcomer = TestUsers.create("tnew");
        String team = "team" + System.nanoTime() % 100_000;
        as(owner).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        String namespace = team + "-ns";
        as(owner).body(Map.of("name", namespace, "team", team)).post("/api/v1/namespaces").then().statusCode(201);
        String ref = registry.host() + "/" + namespace + "/app:1";
        Path image = OciImage.write(work.resolve(namespace), "1", "build.txt",
                ("the team's build " + namespace).getBytes(StandardCharsets.UTF_8));
        assertTrue(Skopeo.push(image, "1", ref, owner + ":" + TestUsers.PASSWORD).ok());
        awaitTags(namespace + "/app", 1);

        as(owner).delete("/api/v1/namespaces/{n}", namespace).then().statusCode(409)
                .body("detail", containsString(namespace + "/app"));
        as(owner).get("/api/v1/namespaces/{n}", namespace).then().statusCode(200);
        as(owner).delete("/api/v1/repositories/" + namespace + "/app").then().statusCode(200);
        as(owner).delete("/api/v1/namespaces/{n}", namespace).then().statusCode(204);

        String otherTeam = "team" + System.nanoTime() % 100_000 + "b";
        as(newcomer).body(Map.of("name", otherTeam)).post("/api/v1/teams").then().statusCode(201);
        as(newcomer).body(Map.of("name", namespace, "team", otherTeam)).post("/api/v1/namespaces").then()
                .statusCode(201);
        Skopeo.Result pull = Skopeo.pull(ref, work.resolve(namespace + "-pull"), newcomer + ":" + TestUsers.PASSWORD);
        assertFalse(pull.ok(), () -> "the new owner of " + namespace + " pulled the old image: " + pull);
        as(newcomer).get("/api/v1/repositories/" + namespace + "/app").then().statusCode(404);
        List<String> actors = as(newcomer).queryParam("namespace", namespace).get("/api/v1/activities").then()
                .statusCode(200).extract().jsonPath().getList("items.actor");
        assertEquals(List.of(newcomer), actors, "nothing of the old feed, only the new namespace's creation");
    }

    private static void awaitTags(String repository, int tags) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int seen = -1;
        while (Instant.now().isBefore(deadline)) {
            var answer = admin().get("/api/v1/repositories/" + repository);
            if (answer.statusCode() == 200 && (seen = answer.jsonPath().getList("tags").size()) == tags) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(repository + " has " + seen + " tags, not " + tags + "\n" + registry.log());
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON);
    }
}
