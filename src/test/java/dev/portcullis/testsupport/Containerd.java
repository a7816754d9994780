package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's containerd 1.6 of our own, never a system one: root, state, sockets and the {@code opt} plugin's dir
 * under {@code workDir}, no CRI plugin, all output in {@code <workDir>/containerd.log}. {@link #ctr} drives it with
 * Debian's {@code ctr}; {@link DockerDaemon} runs its dockerd on one of these. {@link #close()} stops it, unmounts
 * whatever is still mounted under {@code workDir} and removes the dir.
 */
public final class Containerd implements AutoCloseable {

    public static final Path CONTAINERD = Path.of("/usr/bin/containerd");
    public static final Path CTR = Path.of("/usr/bin/ctr");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration CTR_TIMEOUT = Duration.ofSeconds(180);

    private final Path workDir;
    private final Path log;
    private final Thread shutdownHook;
    private volatile Process process;

    private Containerd(Path workDir) {
        this.workDir = workDir;
        this.log = workDir.resolve("containerd.log");
        this.shutdownHook = new Thread(this::kill, "containerd-shutdown");
    }

    /** Starts containerd with everything under {@code workDir} (created; removed again by {@link #close()}). */
    public static Containerd start(Path workDir) {
        Path binary = DebianPackages.requireExactly(CONTAINERD, "containerd");
        DebianPackages.requireExactly(CTR, "containerd");
        Containerd containerd = new Containerd(workDir.toAbsolutePath());
        try {
            Files.createDirectories(containerd.workDir);
            Files.writeString(containerd.configFile(), containerd.configToml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare containerd work dir " + workDir, e);
        }
        Runtime.getRuntime().addShutdownHook(containerd.shutdownHook);
        try {
            containerd.process = Processes.start(List.of(binary.toString(), "--config",
                    containerd.configFile().toString()), Map.of(), containerd.workDir, containerd.log);
            containerd.awaitReady();
        } catch (RuntimeException e) {
            containerd.close();
            throw e;
        }
        return containerd;
    }

    /** The gRPC socket: {@code ctr --address} and {@code dockerd --containerd}. */
    public Path socket() {
        return workDir.resolve("containerd.sock");
    }

    public Path workDir() {
        return workDir;
    }

    public String log() {
        return Processes.read(log);
    }

    /** {@code ctr --address <socket> <args>} (namespace {@code default}). */
    public CliResult ctr(String... args) {
        List<String> command = new ArrayList<>(List.of(CTR.toString(), "--address", socket().toString()));
        command.addAll(List.of(args));
        return CliResult.run("ctr", verb(args), command, Map.of(), null, CTR_TIMEOUT);
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
        Processes.terminateNaming(workDir, STOP_GRACE); // shims, had anything run
        Mounts.unmountUnder(workDir);
        Processes.deleteTree(workDir);
    }

    private void kill() {
        Process p = process;
        process = null;
        Processes.terminate(p, STOP_GRACE);
    }

    private void awaitReady() {
        SocketReadiness.await("containerd", () -> process, socket(), log, READY_TIMEOUT, () -> ctr("version"));
    }

    private Path configFile() {
        return workDir.resolve("config.toml");
    }

    /** containerd 1.6 config version 2; every path it would otherwise take from the system is ours. */
    private String configToml() {
        return "version = 2\n"
                + "root = \"" + workDir.resolve("root") + "\"\n"
                + "state = \"" + workDir.resolve("state") + "\"\n"
                // No Kubernetes here: the CRI plugin would only look for CNI config in /etc/cni.
                + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                + "[grpc]\n  address = \"" + socket() + "\"\n"
                + "[ttrpc]\n  address = \"" + workDir.resolve("containerd.sock.ttrpc") + "\"\n"
                + "[debug]\n  address = \"" + workDir.resolve("debug.sock") + "\"\n"
                // Default /opt/containerd, created at start even if never used.
                + "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + workDir.resolve("opt") + "\"\n";
    }

    static String verb(String... args) {
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-")) {
                break;
            }
            words.add(arg);
            if (words.size() == 2) {
                break;
            }
        }
        return words.isEmpty() ? "run" : String.join("-", words);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
