package dev.portcullis.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a real client's command line (docker, podman, ctr): exit code, stdout ({@code output}), stderr
 * ({@code errors}), the command with credentials masked, and its log files under {@code target/testsupport-logs/}
 * ({@code .log}: command and stderr, {@code .out}: stdout).
 */
public record CliResult(int exitCode, String output, String errors, List<String> command, Path log) {

    private static final AtomicInteger CALLS = new AtomicInteger();

    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout and stderr together, as a user sees them in a terminal (docker prints errors on stderr). */
    public String text() {
        return output + errors;
    }

    /** Returns this result if the command succeeded, else throws with the command and its output. */
    public CliResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException(toString());
        }
        return this;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ": " + String.join(" ", command) + " (log " + log + ")\n" + output + errors;
    }

    /**
     * Runs {@code command} within {@code timeout}; {@code stdin} (a file, e.g. a password for
     * {@code --password-stdin}) may be null. {@code client} and the verb name the log files.
     */
    static CliResult run(String client, String verb, List<String> command, Map<String, String> env, Path stdin,
            Duration timeout) {
        Path log = Processes.sharedLogDir().resolve(String.format("%s-%d-%04d-%s.log", client,
                ProcessHandle.current().pid(), CALLS.incrementAndGet(), verb.replaceAll("[^A-Za-z0-9_-]", "_")));
        Path stdout = log.resolveSibling(log.getFileName().toString().replace(".log", ".out"));
        int exit = Processes.run(command, env, null, log, stdout, stdin, timeout);
        String errors = Processes.read(log);
        errors = errors.substring(errors.indexOf('\n') + 1); // drop the "$ command" header line
        return new CliResult(exit, Processes.read(stdout), errors, Processes.redact(command), log);
    }
}
