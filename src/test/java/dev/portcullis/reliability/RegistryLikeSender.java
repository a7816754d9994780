package dev.portcullis.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers envelopes as the registry's notification endpoint does (distribution's {@code notifications/sinks.go}):
 * one POST per envelope; anything but a 2xx or 3xx, a refused connection or a timeout is a failure, and the same
 * envelope is sent again after a backoff until it is accepted. Every attempt is counted, so a test can report what
 * the retries cost. Thread-safe: one sender serves many sending threads.
 */
final class RegistryLikeSender {

    /** Pseudo status of an attempt whose connection was refused or broken. */
    static final int CONNECTION_FAILED = -1;
    /** Pseudo status of an attempt that got no answer within the timeout. */
    static final int TIMED_OUT = -2;

    /** One POST: its status (or a pseudo status), how long it took, its Retry-After header and body. */
    record Attempt(int status, long nanos, String retryAfter, String body) {

        boolean accepted() {
            return status >= 200 && status < 400;
        }

        long millis() {
            return nanos / 1_000_000;
        }
    }

    private final HttpClient http;
    private final URI url;
    private final String secret;
    private final Duration timeout;
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Attempt> refusals = new ConcurrentLinkedQueue<>();

    /** @param timeout per attempt, as the registry's endpoint {@code timeout} (3 s in our documented config) */
    RegistryLikeSender(String url, String secret, Duration timeout) {
        this.url = URI.create(url);
        this.secret = secret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** One attempt, no retry. */
    Attempt post(String body) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", SampleEvents.MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long started = System.nanoTime();
        Attempt attempt;
        inFlight.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            attempt = new Attempt(response.statusCode(), System.nanoTime() - started,
                    response.headers().firstValue("Retry-After").orElse(null), response.body());
        } catch (HttpTimeoutException e) {
            attempt = new Attempt(TIMED_OUT, System.nanoTime() - started, null, e.toString());
        } catch (IOException e) {
            attempt = new Attempt(CONNECTION_FAILED, System.nanoTime() - started, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        } finally {
            inFlight.decrementAndGet();
        }
        attempts.increment();
        statuses.computeIfAbsent(attempt.status(), s -> new LongAdder()).increment();
        if (!attempt.accepted()) {
            refusals.add(attempt);
        }
        return attempt;
    }

    /**
     * Sends {@code body} until it is accepted, with a backoff doubling from 50 ms to 1 s between attempts (the
     * registry waits its {@code backoff} after {@code threshold} failures); returns the accepting attempt.
     *
     * @throws AssertionError when {@code deadline} passes first: the sink never took the envelope
     */
    Attempt deliver(String body, Instant deadline) {
        long backoff = 50;
        while (true) {
            Attempt attempt = post(body);
            if (attempt.accepted()) {
                return attempt;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not accepted before the deadline; last attempt: " + attempt.status()
                        + " " + attempt.body());
            }
            retries.increment();
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while backing off", e);
            }
            backoff = Math.min(1000, backoff * 2);
        }
    }

    /** Deliveries sent and not answered yet. */
    int inFlight() {
        return inFlight.get();
    }

    long attempts() {
        return attempts.sum();
    }

    long retries() {
        return retries.sum();
    }

    /** Attempts per status (pseudo statuses {@link #CONNECTION_FAILED}, {@link #TIMED_OUT} included), sorted. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new TreeMap<>();
        statuses.forEach((status, count) -> out.put(status, count.sum()));
        return out;
    }

    /** Every attempt that was not accepted, in no particular order. */
    List<Attempt> refusals() {
        return new ArrayList<>(refusals);
    }

    /** The {@code p}-th percentile (0 < p ≤ 100) of the durations, in ms; 0 for none. */
    static long percentileMillis(List<Attempt> attempts, double p) {
        if (attempts.isEmpty()) {
            return 0;
        }
        long[] nanos = attempts.stream().mapToLong(Attempt::nanos).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * nanos.length) - 1;
        return nanos[Math.max(0, Math.min(nanos.length - 1, index))] / 1_000_000;
    }

    String summary() {
        return String.format(Locale.ROOT, "%d attempts, %d retries, statuses %s", attempts(), retries(), statuses());
    }
}
