package dev.portcullis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits until a daemon the tests started (dockerd, containerd) has made its socket and answers its own client
 * there; fails at once when the daemon has exited, with the tail of its log.
 */
final class SocketReadiness {

    private SocketReadiness() {
    }

    /**
     * @param process the daemon now, {@code null} when none
     * @param probe   the client's call that answers once the daemon serves
     */
    static void await(String name, Supplier<Process> process, Path socket, Path log, Duration timeout,
            Supplier<CliResult> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CliResult last = null;
        while (System.nanoTime() < deadline) {
            Process p = process.get();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited" + (p == null ? "" : " with " + p.exitValue())
                        + Processes.describeLog(log));
            }
            if (Files.exists(socket)) {
                last = probe.get();
                if (last.ok()) {
                    return;
                }
            }
            Containerd.sleep(200);
        }
        throw new IllegalStateException(name + " did not answer within " + timeout.toSeconds() + " s; last: "
                + last + Processes.describeLog(log));
    }
}
