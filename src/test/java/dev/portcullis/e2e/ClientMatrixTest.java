package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.Containerd;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.GetOnlyRealm;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.HostFootprint;
import dev.portcullis.testsupport.Mounts;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.Podman;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real clients against Debian's registry (distribution 2.8) guarded by this Portcullis: Debian's docker CLI on
 * a dockerd of our own, podman, containerd's ctr and skopeo, each driven through the verbs its users type, with
 * their real output and exit codes asserted. Every step is recorded (command, exit code, the line of output that
 * shows its outcome, and which token requests Portcullis answered meanwhile, read from its own counters), and the
 * last test checks that README.md holds exactly the table these steps make — run with
 * {@code -Dclient-matrix.write=true} to rewrite it there instead.
 *
 * <p>Nothing of the daemons stays behind: they live under one temp dir, are stopped at the end, and the usual
 * system locations of Docker, containerd and podman are checked to be as they were.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientMatrixTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQUENCE = new AtomicInteger();
    static final ClientMatrix MATRIX = new ClientMatrix();

    static Path work;
    static HostFootprint host;
    static RegistryProcess registry;
    static RegistryProcess getOnlyRegistry;
    static GetOnlyRealm getOnlyRealm;
    static DockerDaemon dockerd;
    static Podman podman;
    static Containerd containerd;
    static String alice;
    static String bob;
    static String carol;
    static String team;

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void startRegistry() throws IOException {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (registry != null) {
            return;
        }
        host = HostFootprint.of(HostFootprint.CONTAINER_TOOL_PATHS);
        work = Files.createTempDirectory("portcullis-clients");
        registry = GuardedRegistry.start(work.resolve("guarded"));
        alice = TestUsers.create("alice");
        bob = TestUsers.create("bob");
        carol = TestUsers.create("carol");
        team = "pub" + System.nanoTime() % 100_000 + "x" + SEQUENCE.incrementAndGet();
        MATRIX.hide(work);
        MATRIX.replace(registry.host(), "$REGISTRY");
        MATRIX.replace("http://127.0.0.1:" + RestAssured.port, "$PORTCULLIS");
        MATRIX.replace(alice, "alice");
        MATRIX.replace(bob, "bob");
        MATRIX.replace(carol, "carol");
        MATRIX.replace(team, "team");
        as(alice).body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        as(alice).body(Map.of("visibility", "public")).patch("/api/v1/namespaces/" + team).then().statusCode(200);
    }

    @AfterAll
    static void stopEverything() {
        stopDaemons();
        if (registry != null) {
            registry.stop();
        }
        if (getOnlyRegistry != null) {
            getOnlyRegistry.stop();
        }
        if (getOnlyRealm != null) {
            getOnlyRealm.close();
        }
        if (work != null) {
            try (var paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("cannot remove " + work + ": " + e);
            }
        }
    }

    static void stopDaemons() {
        if (dockerd != null) {
            dockerd.close();
            dockerd = null;
        }
        if (containerd != null) {
            containerd.close();
            containerd = null;
        }
        if (podman != null) {
            podman.close();
            podman = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // docker

    @Test
    @Order(1)
    void docker() throws Exception {
        dockerd = DockerDaemon.start(work.resolve("docker"));
        String reg = registry.host();
        Path context = work.resolve("build");
        Files.createDirectories(context);
        OciImage.writeRootfsTar(context.resolve("base.tar"),
                Map.of("etc/portcullis-base", "an imported base layer\n".getBytes(StandardCharsets.UTF_8)));
        dockerd.importImage(context.resolve("base.tar"), "portcullis-test/base:1");
        Files.writeString(context.resolve("a.txt"), "layer two\n");
        Files.writeString(context.resolve("b.txt"), "layer three\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM portcullis-test/base:1\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\n");
        dockerd.build(context, reg + "/" + alice + "/app:1").orThrow();
        String app = reg + "/" + alice + "/app:1";
        String hello = reg + "/" + team + "/hello:1";

        // Password login: docker asks for an offline token and keeps the refresh token as its identity token.
        step("docker", () -> dockerd.login(reg, alice, TestUsers.PASSWORD), 0, "Login Succeeded");
        assertFalse(identityToken(reg).isEmpty(), "docker keeps an identity token after login: " + config());
        CliResult push = step("docker", () -> dockerd.docker("push", app), 0, "digest: sha256:\\S+ size: \\d+");
        assertEquals(3, ClientMatrix.count(push.text(), ": Pushed"), () -> "three layers pushed: " + push);
        String pushed = digestOf(push.text());
        dockerd.docker("tag", app, hello).orThrow();
        step("docker", () -> dockerd.docker("push", hello), 0, "digest: sha256:\\S+ size: \\d+");
        step("docker", () -> dockerd.docker("rmi", app, hello, "portcullis-test/base:1"), 0, "Untagged: \\S+/app:1");
        CliResult pull = step("docker", () -> dockerd.docker("pull", app), 0, "Status: Downloaded newer image for \\S+");
        assertEquals(3, ClientMatrix.count(pull.text(), ": Pull complete"), () -> "three layers pulled: " + pull);
        assertTrue(pull.text().contains(pushed), () -> "the same digest comes back: " + pushed + "\n" + pull);
        step("docker", () -> dockerd.docker("logout", reg), 0, "Removing login credentials for \\S+");
        step("docker", () -> dockerd.docker("pull", hello), 0, "Status: \\S.*");

        // An application token instead of the password.
        String token = as(TestUsers.ADMIN).body(Map.of("name", "docker"))
                .post("/api/v1/users/" + alice + "/application-tokens").then().statusCode(201).extract().path("token");
        step("docker", () -> dockerd.login(reg, alice, token), 0, "Login Succeeded");
        String app2 = reg + "/" + alice + "/app:2";
        dockerd.docker("tag", app, app2).orThrow();
        step("docker", () -> dockerd.docker("push", app2), 0, "digest: sha256:\\S+ size: \\d+");
        step("docker", () -> dockerd.docker("logout", reg), 0, "Removing login credentials for \\S+");

        // Another user may neither push to nor pull from alice's private namespace.
        step("docker", () -> dockerd.login(reg, bob, TestUsers.PASSWORD), 0, "Login Succeeded");
        String bobs = reg + "/" + alice + "/app:bob";
        dockerd.docker("tag", app, bobs).orThrow();
        step("docker", () -> dockerd.docker("push", bobs), 1, "denied: requested access to the resource is denied");
        step("docker", () -> dockerd.docker("pull", app), 1, "Error response from daemon: .*");
        step("docker", () -> dockerd.docker("logout", reg), 0, "Removing login credentials for \\S+");

        // A wrong password.
        step("docker", () -> dockerd.login(reg, alice, "not-the-password"), 1, "Error response from daemon: .*");

        // The identity token: the refresh grant on the next push, refused once the account is disabled.
        String carolApp = reg + "/" + carol + "/app:1";
        dockerd.docker("tag", app, carolApp).orThrow();
        step("docker", () -> dockerd.login(reg, carol, TestUsers.PASSWORD), 0, "Login Succeeded");
        assertFalse(identityToken(reg).isEmpty(), "docker keeps an identity token after login: " + config());
        step("docker", () -> dockerd.docker("push", carolApp), 0, "digest: sha256:\\S+ size: \\d+");
        as(TestUsers.ADMIN).body(Map.of("enabled", false)).patch("/api/v1/users/" + carol).then().statusCode(200);
        String carolApp2 = reg + "/" + carol + "/app:2";
        dockerd.docker("tag", app, carolApp2).orThrow();
        step("docker", () -> dockerd.docker("push", carolApp2), 1, ".*disabled.*");
        step("docker", () -> dockerd.docker("pull", carolApp), 1, ".*disabled.*");
        step("docker", () -> dockerd.docker("logout", reg), 0, "Removing login credentials for \\S+");

        awaitPush(alice + "/app", "1", alice, "docker/20.10");
        awaitPush(alice + "/app", "2", alice, "docker/20.10");
        awaitPush(team + "/hello", "1", alice, "docker/20.10");
        awaitPush(carol + "/app", "1", carol, "docker/20.10");
        assertEquals(0, Rows.count(dataSource, "SELECT COUNT(*) FROM registry_events WHERE action = 'push'"
                + " AND repository = ? AND tag = 'bob'", alice + "/app"), "bob's push never reached alice/app");
        dockerd.close();
        dockerd = null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // podman

    @Test
    @Order(2)
    void podman() throws Exception {
        podman = Podman.create(work.resolve("podman"));
        String reg = registry.host();
        String image = reg + "/" + alice + "/podman:1";
        Path tar = OciImage.writeRootfsTar(work.resolve("podman-rootfs.tar"),
                Map.of("etc/podman-test", "imported by podman\n".getBytes(StandardCharsets.UTF_8)));
        podman.podman("import", tar.toString(), image).orThrow();
        String policy = podman.policy().toString();

        step("podman", () -> podman.login(reg, alice, TestUsers.PASSWORD), 0, "Login Succeeded!");
        step("podman", () -> podman.podman("push", "--tls-verify=false", "--signature-policy", policy, image), 0,
                "Writing manifest to image destination");
        step("podman", () -> podman.podman("rmi", image), 0, "Untagged: \\S+");
        step("podman", () -> podman.podman("pull", "--tls-verify=false", "--signature-policy", policy, image), 0,
                "Writing manifest to image destination");
        step("podman", () -> podman.podman("logout", reg), 0, "Removed login credentials for \\S+");
        step("podman", () -> podman.login(reg, bob, TestUsers.PASSWORD), 0, "Login Succeeded!");
        String bobs = reg + "/" + alice + "/podman:bob";
        podman.podman("tag", image, bobs).orThrow();
        step("podman", () -> podman.podman("push", "--tls-verify=false", "--signature-policy", policy, bobs), 125,
                "^denied: requested access to the resource is denied");
        step("podman", () -> podman.podman("logout", reg), 0, "Removed login credentials for \\S+");

        awaitPush(alice + "/podman", "1", alice, "containers/");
        podman.close();
        podman = null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // containerd's ctr

    @Test
    @Order(3)
    void ctr() throws Exception {
        containerd = Containerd.start(work.resolve("containerd"));
        String reg = registry.host();
        String user = alice + ":" + TestUsers.PASSWORD;
        Path layout = OciImage.write(work.resolve("ctr-layout"), "1", "ctr.txt",
                "pushed by ctr\n".getBytes(StandardCharsets.UTF_8));
        Path archive = OciImage.archive(layout, work.resolve("ctr-image.tar"));
        containerd.ctr("images", "import", "--snapshotter", "native", "--base-name", reg + "/" + alice + "/ctr",
                archive.toString()).orThrow();
        String image = reg + "/" + alice + "/ctr:1";

        // containerd asks with the OAuth2 form (POST, grant_type=password) first.
        step("ctr", () -> containerd.ctr("images", "push", "--plain-http", "--user", user, image), 0,
                "manifest-\\S+ +done");
        step("ctr", () -> containerd.ctr("images", "rm", image), 0, "\\S+/ctr:1");
        step("ctr", () -> containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "native", "--user", user,
                image), 0, "unpacking linux/amd64 sha256:[0-9a-f]{64}");
        step("ctr", () -> containerd.ctr("images", "push", "--plain-http", "--user", bob + ":" + TestUsers.PASSWORD,
                reg + "/" + alice + "/ctr:1"), 1, "ctr: server message: insufficient_scope: authorization failed");

        // A realm that answers the POST form with 404, as GET-only token servers do: containerd falls back to GET.
        getOnlyRealm = GetOnlyRealm.start("http://127.0.0.1:" + RestAssured.port + "/v2/token");
        getOnlyRegistry = GuardedRegistry.startWithRealm(work.resolve("get-only"), getOnlyRealm.url());
        MATRIX.replace(getOnlyRegistry.host(), "$GET_ONLY_REGISTRY");
        String other = getOnlyRegistry.host() + "/" + alice + "/ctr:1";
        containerd.ctr("images", "tag", image, other).orThrow();
        step("ctr", () -> containerd.ctr("images", "push", "--plain-http", "--user", user, other), 0,
                "manifest-\\S+ +done");
        containerd.ctr("images", "rm", other).orThrow();
        step("ctr", () -> containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "native", "--user", user,
                other), 0, "unpacking linux/amd64 sha256:[0-9a-f]{64}");
        assertTrue(getOnlyRealm.posts() > 0 && getOnlyRealm.gets() > 0,
                () -> "ctr tried POST, then GET: " + getOnlyRealm.posts() + " POST, " + getOnlyRealm.gets() + " GET");

        awaitPush(alice + "/ctr", "1", alice, "containerd/1.6");
        containerd.close();
        containerd = null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // skopeo

    @Test
    @Order(4)
    void skopeo() throws Exception {
        String reg = registry.host();
        String creds = alice + ":" + TestUsers.PASSWORD;
        Path layout = OciImage.write(work.resolve("skopeo-layout"), "1", "skopeo.txt",
                "pushed by skopeo\n".getBytes(StandardCharsets.UTF_8));
        String image = reg + "/" + alice + "/skopeo:1";
        step("skopeo", () -> cli(Skopeo.push(layout, "1", image, creds)), 0, "Writing manifest to image destination");
        Path pulled = work.resolve("skopeo-pulled");
        step("skopeo", () -> cli(Skopeo.pull(image, pulled, creds)), 0, "Writing manifest to image destination");
        assertEquals(OciImage.manifestDigest(layout, "1"), OciImage.manifestDigest(pulled, "latest"));
        step("skopeo", () -> cli(Skopeo.push(layout, "1", reg + "/" + alice + "/skopeo:bob",
                bob + ":" + TestUsers.PASSWORD)), 1, "denied: requested access to the resource is denied");

        Path index = OciImage.writeIndex(work.resolve("skopeo-index"), "1",
                List.of(OciImage.Platform.of("linux/amd64"), OciImage.Platform.of("linux/arm64/v8")));
        String multi = reg + "/" + alice + "/multi:1";
        step("skopeo", () -> cli(Skopeo.push(index, "1", multi, creds, true)), 0,
                "Writing manifest list to image destination");
        Path pulledIndex = work.resolve("skopeo-index-pulled");
        step("skopeo", () -> cli(Skopeo.pull(multi, pulledIndex, creds, true)), 0,
                "Writing manifest list to image destination");
        JsonNode pulledManifests = JSON.readTree(OciImage.readBlob(pulledIndex,
                OciImage.manifestDigest(pulledIndex, "latest"))).path("manifests");
        assertEquals(List.of("linux/amd64", "linux/arm64/v8"), platforms(pulledManifests),
                "both platforms come back");

        awaitPush(alice + "/skopeo", "1", alice, "skopeo/");
        awaitPush(alice + "/multi", "1", alice, "skopeo/");
    }

    // ---------------------------------------------------------------------------------------------------------
    // the README's table, and what is left on the machine

    @Test
    @Order(5)
    void nothingIsLeftBehindAndTheReadmeHoldsTheMatrix() throws Exception {
        stopDaemons();
        assertEquals(List.of(), host.created(), "system paths the container tools created");
        assertEquals(List.of(), Mounts.under(work), "mounts left under " + work);
        List<String> daemons = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(work.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
        // The registries started here have work dir in their command line too; they stop in @AfterAll.
        assertEquals(List.of(), daemons.stream().filter(d -> !d.contains("docker-registry")).toList(),
                "processes left running");

        List<String> clients = List.of("docker", "podman", "ctr", "skopeo");
        assertEquals(clients, MATRIX.steps().stream().map(ClientMatrix.Step::client).distinct().toList(),
                "every client ran");
        MATRIX.checkOrWrite(Path.of(System.getProperty("user.dir"), "README.md"), Boolean.getBoolean("client-matrix.write"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // steps

    /** One row of the matrix: see {@link ClientMatrix#run}. */
    CliResult step(String client, Supplier<CliResult> action, int exitCode, String outcome) {
        return MATRIX.run(client, action, exitCode, outcome, meters,
                () -> getOnlyRealm == null ? 0 : getOnlyRealm.posts(), () -> "registry log tail:\n" + tail(registry.log()));
    }

    static CliResult cli(Skopeo.Result r) {
        return new CliResult(r.exitCode(), r.output(), r.errors(), r.command(), r.log());
    }

    static String digestOf(String pushOutput) {
        Matcher m = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(pushOutput);
        assertTrue(m.find(), () -> "no digest in " + pushOutput);
        return m.group(1);
    }

    static List<String> platforms(JsonNode manifests) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : manifests) {
            JsonNode p = m.path("platform");
            out.add(p.path("os").asText() + "/" + p.path("architecture").asText()
                    + (p.has("variant") ? "/" + p.path("variant").asText() : ""));
        }
        return out;
    }

    static String config() {
        try {
            Path file = dockerd.configDir().resolve("config.json");
            return Files.exists(file) ? Files.readString(file) : "(no " + file + ")";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String identityToken(String host) throws IOException {
        return JSON.readTree(config()).path("auths").path(host).path("identitytoken").asText("");
    }

    static String tail(String log) {
        List<String> l = List.of(log.split("\n"));
        return String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
    }

    static RequestSpecification as(String user) {
        String pw = user.equals(TestUsers.ADMIN) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD;
        return given().auth().preemptive().basic(user, pw).contentType(ContentType.JSON);
    }

    /** Waits, bounded, for the push of {@code repository:tag} by {@code actor} in the events, from that client. */
    void awaitPush(String repository, String tag, String actor, String userAgentPrefix) throws Exception {
        String sql = "SELECT COUNT(*) FROM registry_events WHERE action = 'push' AND repository = ? AND tag = ?"
                + " AND actor = ? AND user_agent LIKE ?";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        long n;
        while ((n = Rows.count(dataSource, sql, repository, tag, actor, userAgentPrefix + "%")) == 0
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        long found = n;
        assertTrue(found >= 1, () -> "push of " + repository + ":" + tag + " by " + actor + " from " + userAgentPrefix
                + " in the events; user agents seen: " + userAgents(repository));
        List<Map<String, Object>> feed = as(TestUsers.ADMIN).accept(ContentType.JSON)
                .queryParam("repository", repository).queryParam("action", "push")
                .get("/api/v1/activities").then().statusCode(200).extract().jsonPath().getList("items");
        assertTrue(feed.stream().anyMatch(a -> tag.equals(a.get("tag")) && actor.equals(a.get("actor"))),
                () -> "the activity feed shows the push of " + repository + ":" + tag + ": " + feed);
    }

    String userAgents(String repository) {
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("SELECT DISTINCT user_agent FROM registry_events WHERE repository = ?")) {
            ps.setString(1, repository);
            try (var rs = ps.executeQuery()) {
                List<String> agents = new ArrayList<>();
                while (rs.next()) {
                    agents.add(rs.getString(1));
                }
                return agents.stream().collect(Collectors.joining(" | "));
            }
        } catch (Exception e) {
            return e.toString();
        }
    }
}
