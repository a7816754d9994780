package dev.portcullis.bench;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Soak: token requests and event deliveries at fixed rates for ten minutes, with
 * the heap after a full GC, the connection pool and the errors sampled every 30 s. The default rates are a quarter
 * of what bench/tokens.sh (a) and bench/events.sh (10-event envelopes) measured alone, so together about half of
 * the machine. Run with {@code bench/soak.sh}; options {@code -Dbench.minutes -Dbench.tokenRate -Dbench.envelopeRate}.
 */
@QuarkusTest
class SoakBench {

    static final Duration DURATION = Duration.ofMinutes(Integer.getInteger("bench.minutes", 10));
    /** The JIT's first seconds (cold, the sink sheds and the generator falls behind) are not the steady state. */
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 30));
    static final Duration SAMPLE = Duration.ofSeconds(Integer.getInteger("bench.sampleSeconds", 30));
    static final int TOKENS_PER_SECOND = Integer.getInteger("bench.tokenRate", 650);
    static final int ENVELOPES_PER_SECOND = Integer.getInteger("bench.envelopeRate", 370);
    static final int EVENTS_PER_ENVELOPE = 10;
    /** Requests not answered yet beyond this are not sent (and counted): the load generator must not pile up. */
    static final int MAX_IN_FLIGHT = 2_000;

    @Inject
    AgroalDataSource dataSource;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4)).build();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLong sequence = new AtomicLong();
    final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();

    record Sample(long second, long heapAfterGcMb, long poolActive, long poolAvailable, long poolCreated, long ok,
            long errors, long skipped) {
    }

    @Test
    void soak() throws Exception {
        String user = TestUsers.create("soak");
        String token = given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("name", "soak")).post("/api/v1/users/" + user + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        String authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        String base = "http://127.0.0.1:" + RestAssured.port;
        String run = "soak-" + Instant.now().toEpochMilli();

        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        // Every 10 ms a hundredth of each second's requests, sent asynchronously.
        clock.scheduleAtFixedRate(() -> {
            for (int i = 0; i < TOKENS_PER_SECOND / 100; i++) {
                send(HttpRequest.newBuilder(URI.create(base + "/v2/token?service=registry.test&scope=repository:"
                        + user + "/r" + sequence.incrementAndGet() + ":pull,push"))
                        .header("Authorization", authorization).GET().build());
            }
            for (int i = 0; i < ENVELOPES_PER_SECOND / 100; i++) {
                StringBuilder body = new StringBuilder("{\"events\":[");
                for (int e = 0; e < EVENTS_PER_ENVELOPE; e++) {
                    long n = sequence.incrementAndGet();
                    body.append(e > 0 ? "," : "").append(EventsThroughputBench.event(run + "-" + n, n));
                }
                send(HttpRequest.newBuilder(URI.create(base + "/v2/webhooks/events"))
                        .header("Authorization", "Bearer test-events-secret")
                        .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build());
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        Thread.sleep(WARMUP.toMillis());
        ok.set(0);
        errors.set(0);
        skipped.set(0);
        errorSamples.clear();
        List<Sample> samples = new ArrayList<>();
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "soak: %d tokens/s and %d envelopes of %d events/s for %d min after %d s of"
                        + " warm-up, %s %s%n", TOKENS_PER_SECOND, ENVELOPES_PER_SECOND, EVENTS_PER_ENVELOPE,
                DURATION.toMinutes(), WARMUP.toSeconds(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "sample %6s %14s %11s %14s %12s %10s %8s %8s%n", "s", "heap after GC MB",
                "pool active", "pool available", "pool created", "answered", "errors", "skipped");
        while (System.nanoTime() - started < DURATION.toNanos()) {
            Thread.sleep(SAMPLE.toMillis());
            samples.add(sample((System.nanoTime() - started) / 1_000_000_000L));
        }
        clock.shutdown();
        clock.awaitTermination(5, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && inFlight.get() > 0; i++) {
            Thread.sleep(100);
        }
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        long minHeap = samples.stream().mapToLong(Sample::heapAfterGcMb).min().orElse(0);
        long maxHeap = samples.stream().mapToLong(Sample::heapAfterGcMb).max().orElse(0);
        long maxCreated = samples.stream().mapToLong(Sample::poolCreated).max().orElse(0);
        System.out.printf(Locale.ROOT, "soak: %d requests answered, %d errors, %d not sent (generator behind); heap after"
                        + " GC first %d MB, last %d MB, range %d-%d MB; pool connections created first %d, last %d%n",
                ok.get(), errors.get(), skipped.get(), first.heapAfterGcMb(), last.heapAfterGcMb(), minHeap, maxHeap,
                first.poolCreated(), maxCreated);
        errorSamples.stream().limit(5).forEach(e -> System.out.println("soak error: " + e));
        assertEquals(0, errors.get(), "no errors under a sustained half load");
    }

    void send(HttpRequest request) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            skipped.incrementAndGet();
            return;
        }
        inFlight.incrementAndGet();
        sent.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            inFlight.decrementAndGet();
            if (failure == null && response.statusCode() == 200) {
                ok.incrementAndGet();
            } else {
                errors.incrementAndGet();
                if (errorSamples.size() < 20) {
                    errorSamples.add(failure != null ? failure.toString()
                            : response.statusCode() + " " + response.body());
                }
            }
        });
    }

    Sample sample(long second) {
        System.gc(); // the service runs in this JVM: the live set after a full collection is what must not grow
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        var pool = dataSource.getMetrics();
        Sample s = new Sample(second, heap, pool.activeCount(), pool.availableCount(), pool.creationCount(), ok.get(),
                errors.get(), skipped.get());
        System.out.printf(Locale.ROOT, "sample %6d %14d %11d %14d %12d %10d %8d %8d%n", s.second(), s.heapAfterGcMb(),
                s.poolActive(), s.poolAvailable(), s.poolCreated(), s.ok(), s.errors(), s.skipped());
        return s;
    }
}
