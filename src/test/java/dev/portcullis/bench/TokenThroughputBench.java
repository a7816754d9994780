package dev.portcullis.bench;

import static io.restassured.RestAssured.given;

import dev.portcullis.testsupport.TestUsers;
import dev.portcullis.token.signing.TokenSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Token endpoint throughput, load generator beside the service in one JVM: requests/s and
 * p50/p99 at 32 connections for (a) an application token with a new repository in every request, (b) the same
 * with a password after its first check, (c) ten scopes per request; references (d) the raw signing rate of the
 * key on this JVM and (e) a no-op endpoint. Run with {@code bench/tokens.sh}.
 */
@QuarkusTest
class TokenThroughputBench {

    static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 5));
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));

    @Inject
    TokenSigner signer;

    /** Health lives on the management interface; its live probe runs no check: the HTTP floor. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URL managementUrl;

    record Figures(String name, double perSecond, double p50, double p99, long errors) {
    }

    @Test
    void tokensPerSecond() throws Exception {
        String user = TestUsers.create("tput");
        String token = given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "bench")).post("/api/v1/users/" + user + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        String base = "http://127.0.0.1:" + RestAssured.port;
        URI managementRoot = managementUrl.toURI();
        String management = managementRoot.getScheme() + "://" + managementRoot.getRawAuthority() + "/";
        String appToken = basic(user, token);
        String password = basic(user, TestUsers.PASSWORD);
        AtomicLong sequence = new AtomicLong();

        Figures signing = signingRate();
        Figures floor = load("(e) no-op endpoint (live probe)", n -> get(management + "q/health/live", null));
        Figures a = load("(a) app token, new repository each", n -> get(base + "/v2/token?service=registry.test&scope=repository:"
                + user + "/r" + sequence.incrementAndGet() + ":pull,push", appToken));
        Figures b = load("(b) password, new repository each", n -> get(base + "/v2/token?service=registry.test&scope=repository:"
                + user + "/r" + sequence.incrementAndGet() + ":pull,push", password));
        Figures c = load("(c) app token, ten scopes", n -> {
            StringBuilder url = new StringBuilder(base + "/v2/token?service=registry.test");
            for (int i = 0; i < 10; i++) {
                url.append("&scope=repository:").append(user).append("/r").append(sequence.incrementAndGet()).append(":pull,push");
            }
            return get(url.toString(), appToken);
        });

        System.out.printf(Locale.ROOT, "%n%s, %s, %d connections, %d s each%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), CONNECTIONS, MEASURE.toSeconds());
        System.out.printf(Locale.ROOT, "%-40s %10s %9s %9s %7s%n", "case", "per second", "p50 ms", "p99 ms", "errors");
        for (Figures f : List.of(signing, floor, a, b, c)) {
            System.out.printf(Locale.ROOT, "%-40s %10.0f %9.2f %9.2f %7d%n", f.name(), f.perSecond(), f.p50(), f.p99(), f.errors());
        }
        System.out.printf(Locale.ROOT, "ratios: a/d = %.2f (goal >= 0.5), a p99 = %.1f ms (goal <= 20), b/a = %.2f, c/a = %.2f (goals >= 0.8)%n",
                a.perSecond() / signing.perSecond(), a.p99(), b.perSecond() / a.perSecond(), c.perSecond() / a.perSecond());
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4)).build();

    static int get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    interface Call {
        int run(long n) throws Exception;
    }

    /** (d): signatures per second with every core busy, on this JVM, with the service's own signer. */
    Figures signingRate() throws Exception {
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
        return new Figures("(d) raw " + signer.algorithm() + " signatures, " + threads + " threads",
                count.get() / (double) MEASURE.toSeconds(), 0, 0, 0);
    }

    static Figures load(String name, Call call) throws Exception {
        run(call, WARMUP, null);
        List<double[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long count = run(call, MEASURE, new Object[] {latencies, errors});
        double[] all = latencies.stream().flatMapToDouble(Arrays::stream).filter(d -> d > 0).sorted().toArray();
        return new Figures(name, count / (double) MEASURE.toSeconds(), all[all.length / 2],
                all[(int) Math.ceil(all.length * 0.99) - 1], errors.get());
    }

    @SuppressWarnings("unchecked")
    static long run(Call call, Duration duration, Object[] sink) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long end = System.nanoTime() + duration.toNanos();
        List<Future<double[]>> workers = new ArrayList<>();
        AtomicLong count = new AtomicLong();
        for (int w = 0; w < CONNECTIONS; w++) {
            workers.add(pool.submit(() -> {
                double[] ms = new double[200_000];
                int i = 0;
                while (System.nanoTime() < end && i < ms.length) {
                    long start = System.nanoTime();
                    int status = call.run(i);
                    ms[i++] = (System.nanoTime() - start) / 1e6;
                    if (status != 200 && sink != null) {
                        ((AtomicLong) sink[1]).incrementAndGet();
                    }
                    count.incrementAndGet();
                }
                return Arrays.copyOf(ms, i);
            }));
        }
        for (Future<double[]> w : workers) {
            double[] ms = w.get();
            if (sink != null) {
                ((List<double[]>) sink[0]).add(ms);
            }
        }
        pool.shutdown();
        return count.get();
    }
}
