package dev.portcullis.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.GaleraCluster;
import dev.portcullis.testsupport.HaproxyBalancer;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.PackagedReplica;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged service on two nodes of a three-node Galera cluster (A on node 1, B on node 2),
 * sharing what the chart takes from Secrets (signing key and certificate, events token, tokens hash key, session
 * key), behind haproxy; Debian's registry sends clients to the balancer for tokens and notifies through it. What
 * one replica writes holds on the other on the very next request: a token created, a token revoked, an account
 * taken by both at once. skopeo and docker push and pull through the balancer, their token requests spread over
 * both replicas.
 */
class GaleraReplicasIT {

    static final String SECRET = "galera-replicas-events-secret";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    static final Pattern CSRF_COOKIE = Pattern.compile("portcullis-csrf=([^;]+)");
    /** The first account, signed up through both replicas at once (see {@link #raceForTheFirstAccount}). */
    static String admin;
    static String adminAuthorization;
    static List<Integer> firstSignUps;
    // Each revoked-token round costs two failures against the loopback address (50 allowed in all).
    static final int ROUNDS = 10;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    static Path work;
    static GaleraCluster cluster;
    static PackagedReplica a;
    static PackagedReplica b;
    static HaproxyBalancer balancer;
    static RegistryProcess registry;

    @BeforeAll
    static void startClusterReplicasBalancerAndRegistry() throws Exception {
        assertTrue(Files.isRegularFile(PackagedJar.APP), PackagedJar.APP + " is built by mvn package first");
        work = Files.createDirectories(Path.of("target/galera-replicas",
                UUID.randomUUID().toString().substring(0, 8))).toAbsolutePath();
        cluster = GaleraCluster.start();
        // The signing key an operator puts in the portcullis-token-signing Secret: one for every replica.
        TestCa.Issued signing = TestCa.create().issue(work.resolve("signing"), "token", "portcullis");
        int registryPort = FreePort.next();
        Map<String, String> shared = Map.of(
                "PORTCULLIS_TOKEN_KEY_FILE", signing.key().toString(),
                "PORTCULLIS_TOKEN_CERTIFICATE_FILE", signing.certificate().toString(),
                "PORTCULLIS_EVENTS_TOKEN", SECRET,
                "PORTCULLIS_TOKENS_HASH_KEY", "galera-replicas-tokens-hash-key-0123456789",
                "QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", "galera-replicas-session-key-0123456789abcdef",
                // No admin from the settings: the first account signed up becomes it, raced through both replicas.
                "PORTCULLIS_SIGNUP_ENABLED", "true",
                "PORTCULLIS_SIGNUP_FIRST_USER_ADMIN", "true",
                "PORTCULLIS_REGISTRY_URL", "http://127.0.0.1:" + registryPort);
        List<GaleraCluster.Node> n = cluster.nodes();
        a = new PackagedReplica("a", work, GaleraCluster.replicaJdbcUrl(List.of(n.get(0), n.get(1), n.get(2))),
                shared);
        b = new PackagedReplica("b", work, GaleraCluster.replicaJdbcUrl(List.of(n.get(1), n.get(2), n.get(0))),
                shared);
        // One after the other, as the chart's rollout does: Flyway's lock is not replicated by Galera.
        a.start();
        a.awaitReady();
        b.start();
        b.awaitReady();
        raceForTheFirstAccount();
        balancer = HaproxyBalancer.start(work.resolve("haproxy"), List.of(
                new HaproxyBalancer.Backend(a.httpPort(), a.managementPort()),
                new HaproxyBalancer.Backend(b.httpPort(), b.managementPort())));
        registry = RegistryProcess.start(work.resolve("registry"), RegistryProcess.Config.builder()
                .tokenAuth(balancer.url() + "/v2/token", "registry.test", "portcullis", signing.certificate())
                .notifications(balancer.url() + "/v2/webhooks/events", SECRET)
                .deleteEnabled(true).build(), registryPort);
    }

    /** Two people sign up at once, one through each replica, on an empty database where the first becomes admin. */
    static void raceForTheFirstAccount() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> answers = new ArrayList<>();
            for (PackagedReplica replica : new PackagedReplica[] {a, b}) {
                String name = "first" + (replica == a ? "a" : "b");
                answers.add(pool.submit(() -> {
                    HttpResponse<String> page = send(replica,
                            HttpRequest.newBuilder(URI.create(replica.url() + "/signup")));
                    Matcher field = CSRF_FIELD.matcher(page.body());
                    Matcher cookie = CSRF_COOKIE.matcher(String.join(";", page.headers().allValues("set-cookie")));
                    assertTrue(field.find() && cookie.find(), "the sign-up form of " + replica.url());
                    String form = "csrf-token=" + field.group(1) + "&username=" + name + "&email=" + name
                            + "%40example.com&password=password-of-" + name + "&repeat=password-of-" + name;
                    together.await();
                    return send(replica, HttpRequest.newBuilder(URI.create(replica.url() + "/signup"))
                            .header("Cookie", "portcullis-csrf=" + cookie.group(1))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))).statusCode();
                }));
            }
            firstSignUps = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                firstSignUps.add(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = cluster.node(2).connect(); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (var rs = s.executeQuery("SELECT username FROM users WHERE admin ORDER BY username")) {
                List<String> admins = new ArrayList<>();
                while (rs.next()) {
                    admins.add(rs.getString(1));
                }
                admin = String.join(",", admins);
            }
        }
        adminAuthorization = "Basic " + basic(admin, "password-of-" + admin);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (balancer != null) {
            balancer.close();
        }
        for (PackagedReplica r : new PackagedReplica[] {a, b}) {
            if (r != null) {
                r.kill();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Of two first sign-ups at once on two nodes, one becomes admin (the sign-up lock is a write that certifies). */
    @Test
    void ofTwoFirstSignUpsThroughBothReplicasOneIsAdmin() {
        assertEquals(List.of(303, 303), firstSignUps, "both signed up");
        assertTrue(admin.equals("firsta") || admin.equals("firstb"), "exactly one admin: " + admin);
    }

    @Test
    void aTokenCreatedThroughOneReplicaWorksAtOnceThroughTheOther() throws Exception {
        String user = createUser(a, "carol");
        for (int i = 0; i < ROUNDS; i++) {
            String token = createToken(a, user, "ci-" + i).path("token").asText();
            assertEquals(200, get(b, "/api/v1/users/" + user, basic(user, token)).statusCode(), "round " + i);
            assertEquals(200, get(b, "/v2/token?service=registry.test&scope=repository:" + user + "/app:pull,push",
                    basic(user, token)).statusCode(), "round " + i);
        }
    }

    @Test
    void aTokenRevokedThroughOneReplicaIsRefusedByTheOtherOnItsNextRequest() throws Exception {
        String user = createUser(a, "dave");
        for (int i = 0; i < ROUNDS; i++) {
            JsonNode created = createToken(a, user, "ci-" + i);
            String credentials = basic(user, created.path("token").asText());
            // B has verified it (and keeps it in its cache) before A revokes it.
            assertEquals(200, get(b, "/api/v1/users/" + user, credentials).statusCode(), "round " + i);
            revoke(a, user, created.path("id").asLong());
            assertEquals(401, get(b, "/api/v1/users/" + user, credentials).statusCode(), "round " + i);
            assertEquals(401, get(b, "/v2/token?service=registry.test&scope=repository:" + user + "/app:pull",
                    credentials).statusCode(), "round " + i);
        }
    }

    /**
     * Node 2 stops applying (FLUSH TABLES WITH READ LOCK desyncs and pauses it) while A revokes a token B has
     * cached: the revocation is certified, not applied where B reads. B's next request must wait for it rather than
     * answer from its cache; it is released once B's read is seen waiting on node 2.
     */
    @Test
    void aRevocationHoldsOnTheOtherReplicaEvenWhileItsNodeLagsBehind() throws Exception {
        String user = createUser(a, "frank");
        JsonNode created = createToken(a, user, "ci");
        String credentials = basic(user, created.path("token").asText());
        assertEquals(200, get(b, "/api/v1/users/" + user, credentials).statusCode());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection paused = cluster.node(1).connect(); Connection watcher = cluster.node(1).connect();
                Statement s = paused.createStatement()) {
            s.execute("FLUSH TABLES WITH READ LOCK");
            revoke(a, user, created.path("id").asLong());
            Future<HttpResponse<String>> next = pool.submit(() -> get(b, "/api/v1/users/" + user, credentials));
            while (!next.isDone() && Rows.count(watcher, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE INFO LIKE 'SET STATEMENT wsrep_sync_wait%access_epoch%'") == 0) {
                Thread.sleep(20);
            }
            s.execute("UNLOCK TABLES");
            assertEquals(401, next.get().statusCode(), "B answered from its cache a token revoked on node 1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameAccountCreatedThroughBothReplicasAtOnceIsCreatedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < ROUNDS; i++) {
                String name = "twin" + i;
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> answers = new ArrayList<>();
                for (PackagedReplica replica : new PackagedReplica[] {a, b}) {
                    answers.add(pool.submit(() -> {
                        together.await();
                        return postUser(replica, name).statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> answer : answers) {
                    statuses.add(answer.get());
                }
                statuses.sort(null);
                assertEquals(List.of(201, 409), statuses, name);
                try (Connection c = cluster.node(2).connect(); Statement s = c.createStatement()) {
                    s.execute("SET SESSION wsrep_sync_wait = 1");
                    assertEquals(1, Rows.count(c, "SELECT COUNT(*) FROM users WHERE username = ?", name), name);
                    assertEquals(1, Rows.count(c, "SELECT COUNT(*) FROM namespaces WHERE name = ?", name), name);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Wrong passwords sent to A and B in turn use one allowance: the account's five free failures and the sixth are
     * answered 401, the seventh 429, as on one replica; with counters per replica each would have seen three.
     */
    @Test
    void failuresSplitBetweenTheReplicasShareOneAllowance() throws Exception {
        String user = createUser(a, "gina");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8 && !statuses.contains(429); i++) {
            statuses.add(get(i % 2 == 0 ? a : b, "/v2/token?service=registry.test", basic(user, "wrong-password-1"))
                    .statusCode());
        }
        assertEquals(List.of(401, 401, 401, 401, 401, 401, 429), statuses);
        // Refused on both, even with the right password, while the block lasts.
        for (PackagedReplica replica : new PackagedReplica[] {a, b}) {
            assertEquals(429, get(replica, "/v2/token?service=registry.test", basic(user, "password-of-" + user))
                    .statusCode());
        }
    }

    @Test
    void skopeoAndDockerPushAndPullThroughTheBalancer() throws Exception {
        String user = createUser(a, "erin");
        String creds = user + ":" + createToken(b, user, "push").path("token").asText();
        double aBefore = tokensIssued(a);
        double bBefore = tokensIssued(b);

        Path image = OciImage.write(work.resolve("image"), "1", "hello.txt",
                "hello galera\n".getBytes(StandardCharsets.UTF_8));
        String ref = registry.host() + "/" + user + "/app:1";
        Skopeo.push(image, "1", ref, creds).orThrow();
        Skopeo.pull(ref, work.resolve("pulled"), creds).orThrow();
        assertEquals(OciImage.manifestDigest(image, "1"), OciImage.manifestDigest(work.resolve("pulled"), "latest"));

        try (DockerDaemon docker = DockerDaemon.start(work.resolve("docker"))) {
            Path context = Files.createDirectories(work.resolve("build"));
            OciImage.writeRootfsTar(context.resolve("base.tar"),
                    Map.of("etc/base", "base\n".getBytes(StandardCharsets.UTF_8)));
            docker.importImage(context.resolve("base.tar"), "portcullis-test/base:1");
            Files.writeString(context.resolve("Dockerfile"), "FROM portcullis-test/base:1\nCOPY Dockerfile /d\n");
            String tag = registry.host() + "/" + user + "/built:1";
            docker.build(context, tag).orThrow();
            expect(docker.login(registry.host(), user, creds.substring(user.length() + 1)), "Login Succeeded");
            expect(docker.docker("push", tag), "digest: sha256:");
            docker.docker("rmi", tag).orThrow();
            expect(docker.docker("pull", tag), "Downloaded newer image");
        }
        // Round robin: both replicas answered token requests.
        assertTrue(tokensIssued(a) > aBefore && tokensIssued(b) > bBefore,
                "tokens issued by a " + aBefore + " -> " + tokensIssued(a) + ", by b " + bBefore + " -> "
                        + tokensIssued(b));
        // The registry's notifications went through the balancer: both tags are in the catalog, read on either.
        for (PackagedReplica replica : new PackagedReplica[] {a, b}) {
            for (String repository : List.of("app", "built")) {
                awaitTag(replica, user + "/" + repository, "1");
            }
        }
    }

    static void expect(CliResult result, String contains) {
        assertTrue(result.ok() && result.text().contains(contains), result::toString);
    }

    static void awaitTag(PackagedReplica replica, String repository, String tag) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> tags = get(replica, "/api/v1/repositories/" + repository + "/tags/" + tag,
                    adminAuthorization);
            last = tags.statusCode() + " " + tags.body();
            if (tags.statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(repository + ":" + tag + " not in the catalog of " + replica.url() + ": " + last);
    }

    static double tokensIssued(PackagedReplica replica) throws Exception {
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + replica.managementPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^portcullis_tokens_issued_total\\{[^}]*} (\\S+)$").matcher(metrics.body());
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    static String createUser(PackagedReplica replica, String prefix) throws Exception {
        String name = prefix + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> created = postUser(replica, name);
        assertEquals(201, created.statusCode(), created.body());
        return name;
    }

    static HttpResponse<String> postUser(PackagedReplica replica, String name) throws Exception {
        return post(replica, "/api/v1/users",
                "{\"username\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}");
    }

    static JsonNode createToken(PackagedReplica replica, String user, String name) throws Exception {
        HttpResponse<String> created = post(replica, "/api/v1/users/" + user + "/application-tokens",
                "{\"name\":\"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return JSON.readTree(created.body());
    }

    static void revoke(PackagedReplica replica, String user, long tokenId) throws Exception {
        HttpResponse<String> revoked = send(replica, HttpRequest.newBuilder(URI.create(replica.url() + "/api/v1/users/"
                + user + "/application-tokens/" + tokenId)).DELETE().header("Authorization", adminAuthorization));
        assertEquals(204, revoked.statusCode(), revoked.body());
    }

    static HttpResponse<String> post(PackagedReplica replica, String path, String json) throws Exception {
        return send(replica, HttpRequest.newBuilder(URI.create(replica.url() + path))
                .header("Authorization", adminAuthorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> get(PackagedReplica replica, String path, String authorization) throws Exception {
        String header = authorization.startsWith("Basic ") ? authorization : "Basic " + authorization;
        return send(replica, HttpRequest.newBuilder(URI.create(replica.url() + path)).header("Authorization", header));
    }

    static HttpResponse<String> send(PackagedReplica replica, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** user:secret as the value of a Basic authorization, without the scheme. */
    static String basic(String user, String secret) {
        return Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
