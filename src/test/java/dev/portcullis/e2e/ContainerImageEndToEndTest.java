package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.ProjectBuild;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's image build, run for real: {@code ./mvnw package -Dquarkus.container-image.push=true} with Jib, no
 * Docker daemon, pushing into Debian's registry whose token auth is this running Portcullis. Jib is a registry
 * client of its own (not skopeo): it must get through the token dance for the base image (pull) and for the
 * push, as a Portcullis user, and the registry's notifications must land in the activity feed.
 *
 * <p>The base image: nothing can be pulled from the internet here, so the test pushes a tiny stand-in for
 * {@code ubi9/openjdk-17-runtime} (one file, <em>no JRE</em>) into the guarded registry and points
 * {@code quarkus.jib.base-jvm-image} at it. The resulting image would not run; what it proves is the build and
 * the registry path through Portcullis, and that the image holds the application in Jib's layers, as the
 * non-root user the manifests require. The production base stays the pinned default in application.properties.
 */
@QuarkusTest
class ContainerImageEndToEndTest {

    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
    static final String BASE_MARKER = "etc/portcullis-test-base";
    static final ObjectMapper JSON = new ObjectMapper();

    RegistryProcess registry;

    @Inject
    AgroalDataSource dataSource;

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void jibBuildsAndPushesTheImageThroughPortcullisAsTheBuildingUser(@TempDir Path work) throws Exception {
        registry = GuardedRegistry.start(work);
        String builder = TestUsers.create("builder");
        String creds = builder + ":" + TestUsers.PASSWORD;

        Path base = OciImage.write(work.resolve("base"), "1", BASE_MARKER,
                "A stand-in base image without a JRE: the test proves the build and the push, not a run.\n"
                        .getBytes(StandardCharsets.UTF_8));
        String baseRef = registry.host() + "/" + builder + "/base:1";
        Skopeo.push(base, "1", baseRef, creds).orThrow();

        ProjectBuild.Result build = ProjectBuild.mvnw(work.resolve("build"), List.of("package", "-Dmaven.test.skip=true",
                // The one command the README gives, pointed at the test's registry and base:
                "-Dquarkus.container-image.push=true",
                "-Dquarkus.container-image.registry=" + registry.host(),
                "-Dquarkus.container-image.group=" + builder,
                "-Dquarkus.container-image.tag=jib-e2e",
                "-Dquarkus.container-image.insecure=true",
                "-Dquarkus.jib.base-jvm-image=" + baseRef,
                "-Dquarkus.jib.base-image-layers-cache=" + work.resolve("jib-base-cache"),
                // The test's Portcullis is plain HTTP; Jib sends Basic credentials to a token realm over HTTP
                // only when told to. In production the realm is HTTPS and this is not needed.
                "-DsendCredentialsOverHttp=true"),
                Map.of("QUARKUS_CONTAINER_IMAGE_USERNAME", builder,
                        "QUARKUS_CONTAINER_IMAGE_PASSWORD", TestUsers.PASSWORD,
                        "QUARKUS_JIB_BASE_REGISTRY_USERNAME", builder,
                        "QUARKUS_JIB_BASE_REGISTRY_PASSWORD", TestUsers.PASSWORD),
                BUILD_TIMEOUT);
        assertTrue(build.ok(), () -> build + "\nregistry log:\n" + registry.log());

        String repository = builder + "/portcullis";
        String ref = registry.host() + "/" + repository + ":jib-e2e";
        String digest = Files.readString(build.target("jib-image.digest")).trim();

        // What the registry serves is what Jib built, and only with a token from Portcullis.
        Skopeo.Result anonymous = Skopeo.inspect(ref, null);
        assertFalse(anonymous.ok(), "the user's namespace is private: no token, no image");
        Path pulled = work.resolve("pulled");
        Skopeo.run(List.of("copy", "--src-tls-verify=false", "--src-creds", creds, "docker://" + ref,
                "dir:" + pulled)).orThrow();
        byte[] manifestBytes = Files.readAllBytes(pulled.resolve("manifest.json"));
        assertEquals(digest, OciImage.sha256(manifestBytes), "the pushed manifest is the one Jib reported");

        JsonNode manifest = JSON.readTree(manifestBytes);
        JsonNode config = JSON.readTree(blob(pulled, manifest.path("config").path("digest").asText())).path("config");
        assertEquals("185", config.path("User").asText(), "non-root, as runAsUser 185 in the manifests");
        assertEquals(Set.of("8080/tcp", "9000/tcp"), fieldNames(config.path("ExposedPorts")));
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(e -> env.add(e.asText()));
        assertTrue(env.containsAll(List.of("JAVA_MAX_MEM_RATIO=50", "GC_CONTAINER_OPTIONS=-XX:+UseSerialGC")),
                () -> "run-java.sh sizes the JVM as Dockerfile.jvm tells it: " + env);
        // With this base Quarkus starts the fast-jar with "java -jar" in the working directory; with the UBI
        // openjdk runtime base it uses that image's run-java.sh (JAVA_APP_JAR) on the same files.
        String app = config.path("WorkingDir").asText().replaceFirst("^/", "") + "/";
        assertEquals("home/jboss/", app);
        assertTrue(config.path("Entrypoint").toString().contains("\"quarkus-run.jar\""),
                () -> "the entrypoint starts the fast-jar: " + config.path("Entrypoint"));

        // Jib's layers: the base first, unchanged, then the fast-jar layout (libraries, then the application).
        List<Set<String>> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            layers.add(tarEntries(blob(pulled, layer.path("digest").asText())));
        }
        assertEquals(Set.of(BASE_MARKER), layers.get(0), "the base image's layer comes first");
        assertTrue(layers.size() >= 5, () -> "libraries and application in separate layers: " + layers.size());
        Set<String> all = new HashSet<>();
        layers.forEach(all::addAll);
        assertTrue(all.contains(app + "quarkus-run.jar"), "the launcher");
        assertTrue(all.contains(app + "quarkus/quarkus-application.dat"), "the augmented application");
        assertTrue(all.stream().anyMatch(e -> e.matches(app + "app/portcullis-.+\\.jar")), "the application's classes");
        assertTrue(all.stream().anyMatch(e -> e.startsWith(app + "lib/main/io.quarkus.quarkus-core-")), "the libraries");

        // Portcullis authorized both directions, for this user: the registry's notifications say who pulled the
        // base and pushed the image, with Jib's user agent, and the push is in the user's activity feed.
        awaitCount(1, "SELECT COUNT(*) FROM registry_events WHERE action = 'push' AND repository = ? AND tag = 'jib-e2e'"
                + " AND digest = ? AND actor = ? AND user_agent LIKE '%jib%'", repository, digest, builder);
        awaitAtLeast(1, "SELECT COUNT(*) FROM registry_events WHERE action = 'pull' AND repository = ? AND actor = ?"
                + " AND user_agent LIKE '%jib%'", builder + "/base", builder);
        List<String> actions = given().auth().preemptive().basic(builder, TestUsers.PASSWORD)
                .queryParam("repository", repository)
                .get("/api/v1/activities").then().statusCode(200).extract().path("items.action");
        assertTrue(actions.contains("push"), () -> "push in the activity feed: " + actions);
    }

    static byte[] blob(Path dirLayout, String digest) throws IOException {
        return Files.readAllBytes(dirLayout.resolve(digest.substring("sha256:".length())));
    }

    static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The regular files of a gzip'd layer tar, without a leading "/" or "./". */
    static Set<String> tarEntries(byte[] gzippedTar) throws IOException {
        Set<String> names = new HashSet<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzippedTar));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    names.add(entry.getName().replaceFirst("^\\.?/", ""));
                }
            }
        }
        return names;
    }

    long count(String sql, Object... args) throws Exception {
        return Rows.count(dataSource, sql, args);
    }

    /** The registry notifies on its own schedule: wait, bounded, for the expected rows. */
    void awaitCount(long expected, String sql, Object... args) throws Exception {
        Rows.awaitExactly(dataSource, expected, () -> "registry log:\n" + registry.log(), sql, args);
    }

    void awaitAtLeast(long minimum, String sql, Object... args) throws Exception {
        long actual = Rows.await(dataSource, n -> n >= minimum, sql, args);
        assertTrue(actual >= minimum, () -> sql + ": " + actual + "\nregistry log:\n" + registry.log());
    }
}
