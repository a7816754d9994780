package dev.portcullis.bench;

import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.TestUsers;
import dev.portcullis.token.signing.TokenSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Token endpoint throughput and latency, with Debian's {@code wrk} as the load generator (outside this JVM, so the
 * service keeps the CPU the figures are about), at 32 and at 16 connections: (a) an application token with a new
 * repository in every request, (b) a password after its first check, (c) ten scopes per request, (f) docker's own
 * way after {@code docker login}, a refresh token in a POST; references (e) the service's no-op endpoint (the live
 * probe on the management port: the HTTP floor) and (d) the raw signing rate of the key on this JVM. Run with
 * {@code bench/tokens.sh}.
 */
@QuarkusTest
class TokenThroughputBench {

    static final List<Integer> CONNECTIONS = EventsThroughputBench.integers("bench.connections", "32,16");
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));

    @Inject
    TokenSigner signer;

    /** Health lives on the management interface; its live probe runs no check: the HTTP floor. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URL managementUrl;

    @Test
    void tokensPerSecond() throws Exception {
        String user = TestUsers.create("tput");
        String token = given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "bench")).post("/api/v1/users/" + user + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        String refresh = given().auth().preemptive().basic(user, TestUsers.PASSWORD)
                .queryParam("service", "registry.test").queryParam("offline_token", "true").queryParam("client_id", "docker")
                .get("/v2/token").then().statusCode(200).extract().path("refresh_token");
        String base = "http://127.0.0.1:" + RestAssured.port;
        URI managementRoot = managementUrl.toURI();
        String management = managementRoot.getScheme() + "://" + managementRoot.getRawAuthority();
        String scope = "scope=repository:" + user + "/r%n:pull,push";
        StringBuilder tenScopes = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            tenScopes.append("&scope=repository:").append(user).append("/r%n-").append(i).append(":pull,push");
        }
        Path work = Files.createDirectories(Path.of("target", "token-bench"));

        Wrk.Figures signing = signingRate();
        List<Wrk.Figures> figures = new ArrayList<>();
        for (int connections : CONNECTIONS) {
            figures.add(Wrk.run("(e) no-op endpoint (live probe)", management, "GET", "/q/health/live", List.of(), null,
                    connections, WARMUP, MEASURE, work));
            figures.add(Wrk.run("(a) app token, new repository each", base, "GET",
                    "/v2/token?service=registry.test&" + scope, List.of("Authorization: " + basic(user, token)), null,
                    connections, WARMUP, MEASURE, work));
            figures.add(Wrk.run("(b) password, new repository each", base, "GET",
                    "/v2/token?service=registry.test&" + scope, List.of("Authorization: " + basic(user, TestUsers.PASSWORD)),
                    null, connections, WARMUP, MEASURE, work));
            figures.add(Wrk.run("(c) app token, ten scopes", base, "GET", "/v2/token?service=registry.test" + tenScopes,
                    List.of("Authorization: " + basic(user, token)), null, connections, WARMUP, MEASURE, work));
            figures.add(Wrk.run("(f) refresh token (docker), new repository each", base, "POST", "/v2/token",
                    List.of("Content-Type: application/x-www-form-urlencoded"),
                    "grant_type=refresh_token&service=registry.test&client_id=docker&refresh_token=" + refresh + "&" + scope,
                    connections, WARMUP, MEASURE, work));
        }

        System.out.printf(Locale.ROOT, "%n%s, %s, wrk with 2 threads, %d s each after %d s of warm-up%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), MEASURE.toSeconds(),
                WARMUP.toSeconds());
        System.out.printf(Locale.ROOT, "%-50s %5s %10s %9s %9s %9s%n", "case", "conns", "per second", "p50 ms", "p99 ms",
                "errors");
        System.out.printf(Locale.ROOT, "%-50s %5s %10.0f%n", signing.name(), "-", signing.perSecond());
        for (Wrk.Figures f : figures) {
            System.out.printf(Locale.ROOT, "%-50s %5d %10.0f %9.2f %9.2f %9d%n", f.name(), f.connections(), f.perSecond(),
                    f.p50(), f.p99(), f.errors());
        }
        for (int connections : CONNECTIONS) {
            Wrk.Figures floor = find(figures, "(e)", connections);
            for (String kind : List.of("(a)", "(b)", "(c)", "(f)")) {
                Wrk.Figures f = find(figures, kind, connections);
                System.out.printf(Locale.ROOT, "ratios: %s / (e) at %d connections = %.2f (goal >= 0.25), p99 %.1f ms "
                        + "(goal <= 20 at 16 connections)%n", kind, connections, f.perSecond() / floor.perSecond(), f.p99());
            }
        }
    }

    static Wrk.Figures find(List<Wrk.Figures> figures, String prefix, int connections) {
        return figures.stream().filter(f -> f.name().startsWith(prefix) && f.connections() == connections).findFirst()
                .orElseThrow();
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** (d): signatures per second with every core busy, on this JVM, with the service's own signer. */
    Wrk.Figures signingRate() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        String claims = "{\"iss\":\"portcullis\",\"sub\":\"bench\",\"aud\":\"registry.test\",\"exp\":1,\"nbf\":1,\"iat\":1,"
                + "\"jti\":\"abcdefghijklmnopqrstuvwx\",\"access\":[{\"type\":\"repository\",\"name\":\"bench/r1\",\"actions\":[\"pull\",\"push\"]}]}";
        for (long end = System.nanoTime() + WARMUP.toNanos(); System.nanoTime() < end; ) {
            signer.sign(claims);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + MEASURE.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    signer.sign(claims);
                    count.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        return new Wrk.Figures("(d) raw " + signer.algorithm() + " signatures, " + threads + " threads", threads,
                count.get() / (double) MEASURE.toSeconds(), 0, 0, count.get(), 0);
    }
}
