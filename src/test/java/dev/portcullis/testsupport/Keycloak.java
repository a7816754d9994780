package dev.portcullis.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Keycloak's server distribution ({@code org.keycloak:keycloak-quarkus-dist} from the local Maven repository,
 * version {@code keycloak.version} of the pom), unzipped into {@code target/keycloak} once and started in dev mode
 * on loopback with a realm imported at start ({@code --import-realm}). Keycloak 26 needs Java 21 or later: the
 * first such JDK under {@code /usr/lib/jvm} runs it, or {@code KEYCLOAK_JAVA_HOME}.
 */
public final class Keycloak implements AutoCloseable {

    public static final String ADMIN = "kc-admin";
    public static final String ADMIN_PASSWORD = "kc-admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path home;
    private final int port;
    private final Process process;
    private final String realm;

    private Keycloak(Path home, int port, Process process, String realm) {
        this.home = home;
        this.port = port;
        this.process = process;
        this.realm = realm;
    }

    /** Starts Keycloak with {@code realmJson} imported and waits until the realm serves its discovery document. */
    public static Keycloak start(String realm, String realmJson) {
        Path home = unpacked();
        try {
            // A fresh dev database (H2 under data/) each run: the realm is imported into an empty server.
            Processes.deleteTree(home.resolve("data"));
            Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
            Files.writeString(imports.resolve(realm + "-realm.json"), realmJson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the realm for Keycloak", e);
        }
        int port = FreePort.next();
        int management = FreePort.next();
        Path log = home.resolve("keycloak.log");
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", javaHome().toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // On Java 24 and later its thread pool resets thread locals through java.lang's internals.
        env.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        Process process = Processes.start(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--hostname-strict=false", "--import-realm", "--health-enabled=true"), env, home, log);
        Keycloak keycloak = new Keycloak(home, port, process, realm);
        try {
            // Dev mode builds itself first (about 20 s here), then imports the realm.
            new HttpReadiness("keycloak", () -> process, log).until(
                    URI.create(keycloak.issuer() + "/.well-known/openid-configuration"), Duration.ofMinutes(4),
                    Duration.ofMillis(500), status -> status == 200);
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        return keycloak;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The realm's issuer: Quarkus's {@code auth-server-url}. */
    public String issuer(String realm) {
        return url() + "/realms/" + realm;
    }

    private String issuer() {
        return issuer(realm);
    }

    /** Calls the admin REST API as the bootstrap admin; answers the status and body. */
    public HttpResponse<String> admin(String method, String path, String jsonBody) {
        try {
            String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN + "&password="
                    + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8);
            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(url()
                    + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            String accessToken = JSON.readTree(token.body()).get("access_token").asText();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + "/admin" + path))
                    .header("Authorization", "Bearer " + accessToken).header("Content-Type", "application/json")
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak's admin API failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The id of a realm's user or group by name, for the admin API's paths. */
    public String id(String realm, String kind, String name) {
        String query = kind.equals("users") ? "?exact=true&username=" : "?exact=true&search=";
        HttpResponse<String> found = admin("GET", "/realms/" + realm + "/" + kind + query + name, null);
        try {
            for (JsonNode node : JSON.readTree(found.body())) {
                if (name.equals(node.path(kind.equals("users") ? "username" : "name").asText())) {
                    return node.get("id").asText();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + kind + " " + name + " in " + realm + ": " + found.body());
    }

    @Override
    public void close() {
        Processes.terminate(process, Duration.ofSeconds(15));
        Processes.terminateNaming(home, Duration.ofSeconds(5));
    }

    /** The distribution unzipped under target/keycloak (once; later runs reuse it). */
    private static Path unpacked() {
        String version = System.getProperty("keycloak.version", "26.5.6");
        Path home = Path.of("target", "keycloak", "keycloak-" + version).toAbsolutePath();
        if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path repo = Path.of(System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository"));
        Path zip = repo.resolve("org/keycloak/keycloak-quarkus-dist/" + version + "/keycloak-quarkus-dist-"
                + version + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Keycloak's distribution is not in the local Maven repository: " + zip
                    + " (./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:" + version + ":zip)");
        }
        Path root = home.getParent();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("zip entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                    if (entry.getName().endsWith(".sh")) {
                        target.toFile().setExecutable(true);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unzip " + zip, e);
        }
        return home;
    }

    /** A JDK of release 21 or later, as Keycloak 26 requires. */
    private static Path javaHome() {
        Optional<Path> configured = Optional.ofNullable(System.getenv("KEYCLOAK_JAVA_HOME")).map(Path::of);
        if (configured.isPresent()) {
            return configured.get();
        }
        if (Runtime.version().feature() >= 21) {
            return Path.of(System.getProperty("java.home"));
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(jdk -> feature(jdk) >= 21).sorted().findFirst().orElseThrow(() ->
                    new IllegalStateException("Keycloak 26 needs Java 21 or later: none under /usr/lib/jvm"
                            + " (set KEYCLOAK_JAVA_HOME)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
