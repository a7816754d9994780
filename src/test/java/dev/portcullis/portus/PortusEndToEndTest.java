package dev.portcullis.portus;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The switch from Portus, through the real registry (Debian's docker-registry with token auth pointing here) and
 * skopeo, then the docker CLI: after the import, an old password pushes, an old Portus token pushes, a viewer cannot push, a team
 * contributor can, a private namespace stays private, a public one is pulled anonymously, and the feed shows
 * Portus's history.
 */
@QuarkusTest
class PortusEndToEndTest {

    private static final Pattern REFUSED = Pattern.compile(
            "(?i)unauthori[sz]ed|denied|forbidden|authentication required|\\b401\\b|\\b403\\b");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static Path work;
    static RegistryProcess registry;

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void portusAccountsWorkAgainstTheRegistry() throws Exception {
        work = Files.createTempDirectory("portcullis-portus-e2e");
        registry = GuardedRegistry.start(work);
        String p = "pe" + System.nanoTime() % 100_000 + "x";
        PortusFixture portus = new PortusFixture(p);
        portus.create();
        PortusImportTest.importing(portus, false).then().statusCode(200);
        Path image = work.resolve("image");
        OciImage.write(image, "1", "app.txt", ("app of " + p).getBytes(StandardCharsets.UTF_8));
        String digest = OciImage.manifestDigest(image, "1");
        String host = registry.host() + "/";

        pushOk("an old password pushes to its personal namespace", image, host + p + "alice/tool:2",
                p + "alice:" + PortusFixture.ALICE_PASSWORD);
        pushOk("an old Portus token pushes for a team owner", image, host + p + "dev/app:2",
                p + "alice:" + PortusFixture.ALICE_TOKEN);
        pushRefused("a Portus viewer may not push", image, host + p + "dev/app:viewer",
                p + "bob:someone-elses-password");
        pullOk("a Portus viewer pulls", host + p + "dev/app:2", p + "bob:someone-elses-password", digest);
        pushOk("a Portus contributor pushes", image, host + p + "pub/web:1", p + "carol:someone-elses-password");
        pullOk("a public namespace is pulled anonymously", host + p + "pub/web:1", null, digest);
        pullRefused("a private namespace stays private", host + p + "dev/app:2", null);
        pullRefused("a non-member may not pull from a private team namespace", host + p + "dev/app:2",
                p + "erin_x:someone-elses-password");

        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .queryParam("repository", p + "dev/app").queryParam("action", "push").get("/api/v1/activities")
                .then().statusCode(200).body("items.tag", hasItem("1.0")).body("items.actor", hasItem(p + "alice"));
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .queryParam("actor", p + "alice").queryParam("action", "member.add").get("/api/v1/activities")
                .then().statusCode(200).body("items.action", hasItem("member.add"));
        assertEquals(200, given().auth().preemptive().basic(p + "alice", PortusFixture.ALICE_TOKEN)
                .get("/api/v1/users/" + p + "alice/application-tokens").then().extract().statusCode(),
                "a Portus token also opens the API as its owner, and is listed there");
    }

    /** What operators type: docker login with the Portus password, then with a Portus token; push and pull. */
    @Test
    void theDockerCliSignsInWithPortusPasswordsAndTokens() throws Exception {
        Path dockerWork = Files.createTempDirectory("portcullis-portus-docker");
        RegistryProcess dockerRegistry = GuardedRegistry.start(dockerWork);
        String p = "pd" + System.nanoTime() % 100_000 + "x";
        PortusFixture portus = new PortusFixture(p);
        portus.create();
        PortusImportTest.importing(portus, false).then().statusCode(200);
        String reg = dockerRegistry.host();
        try (DockerDaemon docker = DockerDaemon.start(dockerWork.resolve("docker"))) {
            Path context = Files.createDirectories(dockerWork.resolve("build"));
            OciImage.writeRootfsTar(context.resolve("base.tar"), Map.of("etc/base", p.getBytes(StandardCharsets.UTF_8)));
            docker.importImage(context.resolve("base.tar"), "portcullis-test/base:1");
            String mine = reg + "/" + p + "alice/tool:docker";
            String team = reg + "/" + p + "dev/app:docker";
            docker.docker("tag", "portcullis-test/base:1", mine).orThrow();
            docker.docker("tag", "portcullis-test/base:1", team).orThrow();

            expect(docker.login(reg, p + "alice", PortusFixture.ALICE_PASSWORD), 0, "Login Succeeded");
            expect(docker.docker("push", mine), 0, "digest: sha256:");
            docker.docker("logout", reg).orThrow();
            expect(docker.login(reg, p + "alice", PortusFixture.ALICE_TOKEN), 0, "Login Succeeded");
            expect(docker.docker("push", team), 0, "digest: sha256:");
            docker.docker("logout", reg).orThrow();

            expect(docker.login(reg, p + "bob", "someone-elses-password"), 0, "Login Succeeded");
            docker.docker("rmi", team).orThrow();
            expect(docker.docker("pull", team), 0, "Downloaded newer image");
            expect(docker.docker("push", team), 1, "denied");
            docker.docker("logout", reg).orThrow();
            expect(docker.login(reg, p + "alice", "not-her-portus-password"), 1, "Error response from daemon");
        } finally {
            dockerRegistry.stop();
        }
    }

    static void expect(CliResult result, int exitCode, String contains) {
        assertTrue(result.exitCode() == exitCode && result.text().contains(contains), result::toString);
    }

    static void pushOk(String why, Path image, String ref, String creds) {
        Skopeo.Result r = Skopeo.push(image, "1", ref, creds);
        assertTrue(r.ok(), () -> why + ", but skopeo failed: " + r + "\nregistry log:\n" + registry.log());
    }

    static void pushRefused(String why, Path image, String ref, String creds) {
        Skopeo.Result r = Skopeo.push(image, "1", ref, creds);
        assertFalse(r.ok(), () -> why + ", but skopeo pushed: " + r);
        assertTrue(REFUSED.matcher(r.errors()).find(), () -> why + ": not an authorisation error: " + r);
    }

    static void pullOk(String why, String ref, String creds, String digest) {
        Path out = work.resolve("pull-" + SEQUENCE.incrementAndGet());
        Skopeo.Result r = Skopeo.pull(ref, out, creds);
        assertTrue(r.ok(), () -> why + ", but skopeo failed: " + r + "\nregistry log:\n" + registry.log());
        assertEquals(digest, OciImage.manifestDigest(out, "latest"), why + ": the image pulled from " + ref);
    }

    static void pullRefused(String why, String ref, String creds) {
        Skopeo.Result r = Skopeo.pull(ref, work.resolve("pull-" + SEQUENCE.incrementAndGet()), creds);
        assertFalse(r.ok(), () -> why + ", but skopeo pulled: " + r);
        assertTrue(REFUSED.matcher(r.errors()).find(), () -> why + ": not an authorisation error: " + r);
    }
}
