package dev.portcullis.bench;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries per second and the delay from a push's acknowledgement by the sink to its delivery, for one
 * webhook (its deliveries go one at a time, in order) and for {@code bench.webhooks} webhooks at once. Events go
 * in through the sink as the registry sends them, one envelope of one manifest push at a time; the receiver (the
 * JDK's HTTP server) answers 204 at once. Not a test: it prints figures (bench/webhooks.sh).
 */
@QuarkusTest
class WebhookDeliveryBench {

    static final int EVENTS = Integer.getInteger("bench.events", 500);
    static final int WEBHOOKS = Integer.getInteger("bench.webhooks", 4);

    final Map<String, Long> receivedAt = new ConcurrentHashMap<>();

    @Test
    void deliveriesPerSecondAndDelay() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 100);
        ObjectMapper json = new ObjectMapper();
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String event = json.readTree(body).at("/data/tag").asText() + exchange.getRequestURI().getPath();
            receivedAt.putIfAbsent(event, System.nanoTime());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        try {
            System.out.printf("%s %s, poll every %s%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), System.getProperty("%test.portcullis.webhooks.poll-every",
                            "50ms (the tests' setting)"));
            run(server, 1, "one", false);
            run(server, WEBHOOKS, "many", false);
            run(server, 1, "drain1", true);
            run(server, WEBHOOKS, "drainmany", true);
        } finally {
            server.stop(0);
        }
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    /**
     * @param drain false: deliveries follow the pushes as they come; true: the webhooks are off while the pushes are
     * stored, then their deliveries are queued at once and the webhooks turned on: how fast a backlog drains
     */
    void run(com.sun.net.httpserver.HttpServer server, int webhooks, String label, boolean drain) throws Exception {
        String user = TestUsers.create("bench");
        List<String> paths = new ArrayList<>();
        for (int w = 0; w < webhooks; w++) {
            String path = "/" + label + w;
            paths.add(path);
            given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                    .body(Map.of("namespace", user, "name", path, "url",
                            "http://127.0.0.1:" + server.getAddress().getPort() + path, "enabled", !drain))
                    .post("/api/v1/webhooks").then().statusCode(201);
        }
        HttpClient http = HttpClient.newHttpClient();
        URI sink = URI.create("http://127.0.0.1:" + RestAssured.port + "/v2/webhooks/events");
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        Instant t = Instant.now();
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            String tag = label + "-" + i;
            String id = tag + "-" + System.nanoTime();
            String event = """
                    {"id":"%s","timestamp":"%s","action":"push","target":{"mediaType":
                    "application/vnd.oci.image.manifest.v1+json","size":418,"digest":"sha256:%064x","length":418,
                    "repository":"%s/app","url":"http://r/v2/%s/app/manifests/%s","tag":"%s"},
                    "request":{"id":"r","addr":"127.0.0.1:1","host":"r","method":"PUT","useragent":"bench"},
                    "actor":{"name":"%s"},"source":{"addr":"vm:5000","instanceID":"i1"}}"""
                    .formatted(id, t.plusMillis(i), i + 1, user, user, tag, tag, user);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(sink)
                    .header("Authorization", "Bearer " + GuardedRegistry.EVENTS_SECRET)
                    .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[" + event + "]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new AssertionError("the sink answered " + answer.statusCode());
            }
            acknowledged.put(tag, System.nanoTime());
        }
        if (drain) {
            try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement s = c.prepareStatement("""
                    INSERT INTO webhook_deliveries (webhook_id, event_type, event_id, created_at, next_attempt_at)
                    SELECT w.id, 'push', e.event_id, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6)
                    FROM webhooks w JOIN namespaces n ON n.id = w.namespace_id
                      JOIN registry_events e ON e.repository = CONCAT(n.name, '/app')
                    WHERE n.name = ? ORDER BY e.id, w.id""")) {
                s.setString(1, user);
                s.executeUpdate();
            }
            for (long id : webhookIds(user)) {
                given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType("application/merge-patch+json")
                        .body("{\"enabled\": true}").patch("/api/v1/webhooks/{id}", id).then().statusCode(200);
            }
            start = System.nanoTime();
            acknowledged.replaceAll((k, v) -> System.nanoTime());
        }
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (count(label) < (long) EVENTS * webhooks && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long delivered = count(label);
        long last = receivedAt.entrySet().stream().filter(e -> e.getKey().startsWith(label + "-"))
                .mapToLong(Map.Entry::getValue).max().orElse(start);
        List<Long> delays = new ArrayList<>();
        receivedAt.forEach((key, at) -> {
            if (key.startsWith(label + "-")) {
                delays.add((at - acknowledged.get(key.substring(0, key.indexOf('/')))) / 1_000_000);
            }
        });
        Collections.sort(delays);
        System.out.printf((drain ? "webhooks %d, a backlog (delay from turning them on):"
                : "webhooks %d, following the pushes (delay from the sink's 2xx):")
                        + " %d of %d deliveries in %.1f s = %.0f deliveries/s; p50 %d ms, p99 %d ms, max %d ms%n", webhooks, delivered, (long) EVENTS * webhooks,
                (last - start) / 1e9, delivered / ((last - start) / 1e9), delays.get(delays.size() / 2),
                delays.get((int) (delays.size() * 0.99)), delays.get(delays.size() - 1));
    }

    List<Long> webhookIds(String user) {
        return given().auth().preemptive().basic(user, TestUsers.PASSWORD).get("/api/v1/webhooks?namespace=" + user)
                .then().statusCode(200).extract().jsonPath().getList("id", Long.class);
    }

    long count(String label) {
        return receivedAt.keySet().stream().filter(k -> k.startsWith(label + "-")).count();
    }
}
