package dev.portcullis.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Shared process plumbing for the test-support classes: every child process writes to a log file,
 * every wait is bounded, and every failure message carries the tail of that log.
 */
final class Processes {

    static final int TAIL_LINES = 40;
    /**
     * Options whose next argument is a secret: skopeo's --creds, --src-creds, --dest-password, ..., ctr's
     * {@code --user user:password}, docker's and podman's {@code -p}.
     */
    private static final Pattern SECRET_OPTION = Pattern.compile("--(src-|dest-)?(creds|password|registry-token)|--user|-p");

    private Processes() {
    }

    /**
     * Starts {@code command} with stdout+stderr appended to {@code log} (so restarts keep history). Each entry of
     * {@code extraEnv} is set in the child's environment, or removed from it when its value is null.
     */
    static Process start(List<String> command, Map<String, String> extraEnv, Path workDir, Path log) {
        return start(command, extraEnv, workDir, log, null);
    }

    /**
     * Starts {@code command}; stderr (and stdout unless {@code stdout} is given) is appended to {@code log},
     * after a header line with the command (credentials masked).
     */
    static Process start(List<String> command, Map<String, String> extraEnv, Path workDir, Path log, Path stdout) {
        return start(command, extraEnv, workDir, log, stdout, null);
    }

    /** As above, with stdin read from {@code stdin} (e.g. a password for {@code --password-stdin}) unless null. */
    static Process start(List<String> command, Map<String, String> extraEnv, Path workDir, Path log, Path stdout,
            Path stdin) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "$ " + String.join(" ", redact(command)) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(stdin == null ? new File("/dev/null") : stdin.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo((stdout == null ? log : stdout).toFile()));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Map<String, String> environment = pb.environment();
            // A null value removes the variable from the inherited environment.
            extraEnv.forEach((name, value) -> {
                if (value == null) {
                    environment.remove(name);
                } else {
                    environment.put(name, value);
                }
            });
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + redact(command) + ": " + e.getMessage()
                    + " (log: " + log + ")", e);
        }
    }

    /** The command with the values of credential options masked, for logs and messages. */
    static List<String> redact(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        boolean secretNext = false;
        for (String arg : command) {
            if (secretNext) {
                int colon = arg.indexOf(':');
                out.add(colon >= 0 ? arg.substring(0, colon) + ":***" : "***");
                secretNext = false;
            } else {
                out.add(arg);
                secretNext = SECRET_OPTION.matcher(arg).matches();
            }
        }
        return out;
    }

    /**
     * Runs {@code command} to completion within {@code timeout} and returns its exit code.
     * A timeout kills the process and throws, with the log tail in the message.
     */
    static int run(List<String> command, Map<String, String> extraEnv, Path workDir, Path log, Duration timeout) {
        return run(command, extraEnv, workDir, log, null, timeout);
    }

    /** As above, with stdout in its own file when {@code stdout} is not null (for parseable output). */
    static int run(List<String> command, Map<String, String> extraEnv, Path workDir, Path log, Path stdout,
            Duration timeout) {
        return run(command, extraEnv, workDir, log, stdout, null, timeout);
    }

    /** As above, with stdin read from {@code stdin} unless null. */
    static int run(List<String> command, Map<String, String> extraEnv, Path workDir, Path log, Path stdout,
            Path stdin, Duration timeout) {
        Process p = start(command, extraEnv, workDir, log, stdout, stdin);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                waitQuietly(p, Duration.ofSeconds(5));
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s: "
                        + String.join(" ", redact(command)) + describeLog(log));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + redact(command), e);
        }
    }

    /** SIGTERM, then up to {@code grace} for a clean exit, then SIGKILL. Returns the exit code or -1. */
    static int terminate(Process p, Duration grace) {
        if (p == null) {
            return -1;
        }
        p.destroy(); // SIGTERM on Unix: lets mariadbd/registry shut down cleanly
        if (!waitQuietly(p, grace)) {
            p.destroyForcibly();
            waitQuietly(p, Duration.ofSeconds(10));
        }
        return p.isAlive() ? -1 : p.exitValue();
    }

    static boolean waitQuietly(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /** Last {@code maxLines} lines of a log file, or a note why there are none. */
    static String tail(Path log, int maxLines) {
        try {
            if (!Files.exists(log)) {
                return "(no log file " + log + ")";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Suffix for failure messages: where the log is and how it ends. */
    static String describeLog(Path log) {
        return "\n--- last " + TAIL_LINES + " lines of " + log + " ---\n" + tail(log, TAIL_LINES) + "\n---";
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Removes a directory tree; used for throwaway data dirs. Failures are reported, not thrown. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    System.err.println("testsupport: cannot delete " + path + ": " + e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("testsupport: cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Processes whose command line names {@code dir}: what a daemon started with its private dir in its arguments
     * left running (containerd after a dockerd killed hard, shims). Only our own throwaway dirs are passed here.
     */
    static List<ProcessHandle> naming(Path dir) {
        String needle = dir.toAbsolutePath().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(needle)).orElse(false)
                        || p.info().command().map(c -> c.contains(needle)).orElse(false))
                .toList();
    }

    /** SIGTERM, then SIGKILL after {@code grace}, to every process {@link #naming(Path)} finds. */
    static void terminateNaming(Path dir, Duration grace) {
        List<ProcessHandle> left = naming(dir);
        left.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : left) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /** Directory for logs of helpers that have no work dir of their own (apt, skopeo). */
    static Path sharedLogDir() {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        Path dir = Files.isDirectory(target)
                ? target.resolve("testsupport-logs")
                : Path.of(System.getProperty("java.io.tmpdir"), "portcullis-testsupport-logs");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create log dir " + dir, e);
        }
    }
}
