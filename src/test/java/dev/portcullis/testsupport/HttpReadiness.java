package dev.portcullis.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Waits until a process the tests started answers HTTP as it should once it is up: polls a URL, fails at once
 * when the process has exited or answers with a status that means it never will, with the tail of its log.
 */
final class HttpReadiness {

    /** What a status means: ready, try again, or a fault that waiting will not mend. */
    enum Verdict { READY, NOT_YET, WRONG }

    private final String name;
    private final Supplier<Process> process;
    private final Path log;

    /**
     * @param name    the process, as messages name it
     * @param process the process now (it may be restarted), {@code null} when none
     */
    HttpReadiness(String name, Supplier<Process> process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Ready when the status passes {@code ready}; any other status is tried again. */
    void until(URI url, Duration timeout, Duration every, IntPredicate ready) {
        await(url, timeout, every, (int status) -> ready.test(status) ? Verdict.READY : Verdict.NOT_YET);
    }

    /** Ready, tried again or failed as {@code verdict} says of each status. */
    void await(URI url, Duration timeout, Duration every, IntFunction<Verdict> verdict) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            Process p = process.get();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited" + (p == null ? "" : " with " + p.exitValue())
                        + " before serving " + url + Processes.describeLog(log));
            }
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                switch (verdict.apply(status)) {
                    case READY -> {
                        return;
                    }
                    case WRONG -> throw new IllegalStateException(name + " answered GET " + url + " with " + status
                            + Processes.describeLog(log));
                    default -> last = "status " + status;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + name, e);
            }
        }
        throw new IllegalStateException(name + " did not serve " + url + " within " + timeout.toSeconds()
                + " s; last: " + last + Processes.describeLog(log));
    }
}
