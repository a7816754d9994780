package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Docker daemon of our own, never a system one: Debian's {@code /usr/sbin/dockerd} 20.10 (package docker.io)
 * with its data root, exec root, socket, pid file and daemon.json under {@code workDir}, no networking of its own
 * ({@code --bridge=none}, no iptables; containers would run with {@code --network host} or {@code none}), the
 * {@code vfs} storage driver, on a {@link Containerd} of our own. {@link #docker} runs Debian's CLI
 * {@code /usr/bin/docker}, resolved explicitly (this machine's {@code /usr/local/bin/docker} is another client),
 * with {@code DOCKER_HOST} on our socket and a {@code DOCKER_CONFIG} dir of its own, so a {@code docker login}
 * stores its credentials there. No image can be pulled from the internet: {@link #importImage} makes one from a
 * tarball and {@link #build} adds layers with the legacy builder, offline.
 *
 * <p>{@link #close()} stops dockerd and containerd, unmounts what is left under {@code workDir}, removes it, and
 * removes {@code /run/docker/plugins}, the one dir dockerd creates wherever it is told to live, when it made it.
 */
public final class DockerDaemon implements AutoCloseable {

    public static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    /** Debian's docker.io CLI; never resolved on PATH. */
    public static final Path DOCKER = Path.of("/usr/bin/docker");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(240);

    private final Path workDir;
    private final Path log;
    private final HostFootprint footprint = HostFootprint.of(List.of(Path.of("/run/docker")));
    private final Thread shutdownHook;
    private volatile Containerd containerd;
    private volatile Process process;

    private DockerDaemon(Path workDir) {
        this.workDir = workDir;
        this.log = workDir.resolve("dockerd.log");
        this.shutdownHook = new Thread(this::kill, "dockerd-shutdown");
    }

    /** Starts containerd and dockerd with everything under {@code workDir} (removed again by {@link #close()}). */
    public static DockerDaemon start(Path workDir) {
        return start(workDir, Map.of());
    }

    /**
     * As {@link #start(Path)}, with {@code env} added to dockerd's environment: {@code HTTPS_PROXY} sends its
     * registry connections through a proxy that resolves names the machine does not know ({@link HostsProxy}).
     */
    public static DockerDaemon start(Path workDir, Map<String, String> env) {
        return start(workDir, env, "vfs");
    }

    /**
     * As above, on {@code storageDriver}: {@code overlay2} where the file system allows overlay mounts (each image
     * layer is a diff, where {@code vfs} copies the whole root filesystem per layer and per container: minutes for
     * an image of a few hundred MB on a loaded machine), else {@code vfs}.
     */
    public static DockerDaemon start(Path workDir, Map<String, String> env, String storageDriver) {
        Path dockerd = DebianPackages.requireExactly(DOCKERD, "docker.io");
        DebianPackages.requireExactly(DOCKER, "docker.io");
        DockerDaemon daemon = new DockerDaemon(workDir.toAbsolutePath());
        try {
            Files.createDirectories(daemon.configDir());
            // dockerd 20.10 writes its libtrust key to /etc/docker/key.json unless told otherwise; the option
            // exists in daemon.json only.
            Files.writeString(daemon.workDir.resolve("daemon.json"),
                    "{\"deprecated-key-path\": \"" + daemon.workDir.resolve("key.json") + "\"}\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare dockerd work dir " + workDir, e);
        }
        Runtime.getRuntime().addShutdownHook(daemon.shutdownHook);
        try {
            daemon.containerd = Containerd.start(daemon.workDir.resolve("containerd"));
            daemon.process = Processes.start(List.of(dockerd.toString(),
                    "--config-file", daemon.workDir.resolve("daemon.json").toString(),
                    "--containerd", daemon.containerd.socket().toString(),
                    "--data-root", daemon.workDir.resolve("root").toString(),
                    "--exec-root", daemon.workDir.resolve("exec").toString(),
                    "-H", "unix://" + daemon.socket(),
                    "--pidfile", daemon.workDir.resolve("docker.pid").toString(),
                    "--iptables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
                    "--storage-driver=" + storageDriver), env, daemon.workDir, daemon.log);
            daemon.awaitReady();
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** {@code overlay2} when an overlay mount works under {@code dir} (ext4, xfs...), else {@code vfs}. */
    public static String fastestStorageDriver(Path dir) {
        Path probe = dir.resolve("overlay-probe-" + System.nanoTime());
        try {
            for (String d : List.of("lower", "upper", "work", "merged")) {
                Files.createDirectories(probe.resolve(d));
            }
            Path log = Processes.sharedLogDir().resolve("overlay-probe.log");
            int rc = Processes.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + probe.resolve("lower")
                    + ",upperdir=" + probe.resolve("upper") + ",workdir=" + probe.resolve("work"),
                    probe.resolve("merged").toString()), Map.of(), null, log, Duration.ofSeconds(30));
            if (rc == 0) {
                Processes.run(List.of("umount", probe.resolve("merged").toString()), Map.of(), null, log,
                        Duration.ofSeconds(30));
            }
            return rc == 0 && Mounts.under(probe).isEmpty() ? "overlay2" : "vfs";
        } catch (IOException e) {
            return "vfs";
        } finally {
            if (Mounts.under(probe).isEmpty()) {
                Processes.deleteTree(probe);
            }
        }
    }

    public Path socket() {
        return workDir.resolve("docker.sock");
    }

    /** The CLI's {@code DOCKER_CONFIG}: {@code config.json} with what {@code docker login} stored. */
    public Path configDir() {
        return workDir.resolve("cli-config");
    }

    public Path workDir() {
        return workDir;
    }

    public String log() {
        return Processes.read(log);
    }

    /** {@code docker <args>} against this daemon. */
    public CliResult docker(String... args) {
        return docker((Path) null, args);
    }

    /** {@code docker <args>} with stdin from {@code stdin} (for {@code --password-stdin}). */
    public CliResult docker(Path stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
        command.addAll(List.of(args));
        return CliResult.run("docker", Containerd.verb(args), command, env(), stdin, DOCKER_TIMEOUT);
    }

    /**
     * {@code docker <args>} with {@code extraEnv} added to the CLI's environment: {@code docker run -e NAME} (no
     * value) passes such a variable on to the container, so values with newlines, or secrets, never appear in
     * the command line.
     */
    public CliResult dockerWithEnv(Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.putAll(env());
        return CliResult.run("docker", Containerd.verb(args), command, env, null, DOCKER_TIMEOUT);
    }

    /** {@code docker login HOST -u USER --password-stdin}, the secret written to a 0600 file for stdin. */
    public CliResult login(String host, String user, String secret) {
        return docker(secretFile(secret), "login", host, "-u", user, "--password-stdin");
    }

    /** {@code docker import TAR REF}: an image of one layer from a root filesystem tarball. */
    public void importImage(Path tar, String ref) {
        docker("import", tar.toString(), ref).orThrow();
    }

    /**
     * {@code docker build -t REF DIR} with the legacy builder (BuildKit would look for its frontend image
     * online); {@code FROM} an imported image and {@code COPY} lines need no network.
     */
    public CliResult build(Path context, String ref) {
        return build(context, ref, List.of());
    }

    /** As {@link #build(Path, String)}, with more options ({@code -f FILE}, {@code --build-arg NAME=VALUE}). */
    public CliResult build(Path context, String ref, List<String> options) {
        List<String> command = new ArrayList<>(List.of(DOCKER.toString(), "build", "--network", "none", "-t", ref));
        command.addAll(options);
        command.add(context.toString());
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("DOCKER_BUILDKIT", "0");
        return CliResult.run("docker", "build", command, env, null, DOCKER_TIMEOUT);
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
        Containerd c = containerd;
        containerd = null;
        if (c != null) {
            c.close();
        }
        Processes.terminateNaming(workDir, STOP_GRACE);
        Mounts.unmountUnder(workDir);
        Processes.deleteTree(workDir);
        footprint.removeCreatedEmptyDirs();
    }

    private Map<String, String> env() {
        return Map.of("DOCKER_HOST", "unix://" + socket(), "DOCKER_CONFIG", configDir().toString());
    }

    private Path secretFile(String secret) {
        try {
            Path file = workDir.resolve("secret-" + System.nanoTime());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret, StandardCharsets.UTF_8);
            return file; // removed with the work dir

        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void kill() {
        Process p = process;
        process = null;
        Processes.terminate(p, STOP_GRACE);
    }

    private void awaitReady() {
        SocketReadiness.await("dockerd", () -> process, socket(), log, READY_TIMEOUT,
                () -> docker("version", "--format", "{{.Server.Version}}"));
    }
}
