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
 * Debian's podman 4.3 (no daemon) with a world of its own under {@code workDir}: storage root and run root (a
 * short temp dir: podman wants at most 50 characters there) with
 * the {@code vfs} driver, its own containers.conf, storage.conf, registries.conf, signature policy and auth file
 * (environment {@code CONTAINERS_*}, {@code REGISTRY_AUTH_FILE}), so it never reads or writes the system's
 * {@code /etc/containers}, {@code /var/lib/containers} or {@code /run/containers}. The network backend is CNI with
 * empty dirs of ours: podman never runs a container here, and its default (netavark) would create
 * {@code /run/containers/networks} as root. Like skopeo, podman as root still updates containers/image's blob info
 * cache in {@code /var/lib/containers/cache} (a cache of which registry holds which blob; no option moves it).
 * {@link #close()} removes both dirs.
 */
public final class Podman implements AutoCloseable {

    public static final Path PODMAN = Path.of("/usr/bin/podman");
    private static final Duration TIMEOUT = Duration.ofSeconds(240);

    private final Path workDir;
    private final Path runRoot;
    private final Path binary;

    private Podman(Path workDir, Path runRoot, Path binary) {
        this.workDir = workDir;
        this.runRoot = runRoot;
        this.binary = binary;
    }

    public static Podman create(Path workDir) {
        Path binary = DebianPackages.requireExactly(PODMAN, "podman");
        Podman podman;
        try {
            // podman refuses a run root longer than 50 characters: a short temp dir of its own.
            podman = new Podman(workDir.toAbsolutePath(), Files.createTempDirectory("podman-run"), binary);
            Path conf = podman.workDir.resolve("conf");
            for (String dir : List.of("conf", "root", "tmp", "xdg", "net", "cni")) {
                Files.createDirectories(podman.workDir.resolve(dir));
            }
            Files.writeString(conf.resolve("containers.conf"), "[engine]\n"
                    + "events_logger = \"none\"\n"
                    + "cgroup_manager = \"cgroupfs\"\n"
                    + "tmp_dir = \"" + podman.workDir.resolve("tmp") + "\"\n"
                    + "[network]\n"
                    + "network_backend = \"cni\"\n"
                    + "network_config_dir = \"" + podman.workDir.resolve("net") + "\"\n"
                    + "cni_plugin_dirs = [\"" + podman.workDir.resolve("cni") + "\"]\n", StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("storage.conf"), "[storage]\n"
                    + "driver = \"vfs\"\n"
                    + "graphroot = \"" + podman.workDir.resolve("root") + "\"\n"
                    + "runroot = \"" + podman.runRoot + "\"\n", StandardCharsets.UTF_8);
            // No short names, no mirrors: every reference names its registry.
            Files.writeString(conf.resolve("registries.conf"), "unqualified-search-registries = []\n",
                    StandardCharsets.UTF_8);
            // These tests are about registry auth, not signatures (as for skopeo's --insecure-policy).
            Files.writeString(conf.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare podman work dir " + workDir, e);
        }
        return podman;
    }

    /** Where {@code podman login} stores credentials. */
    public Path authFile() {
        return workDir.resolve("auth.json");
    }

    /** {@code podman <global options> <args>}. */
    public CliResult podman(String... args) {
        return podman(null, args);
    }

    /** As {@link #podman(String...)} with stdin from {@code stdin}. */
    public CliResult podman(Path stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--root", workDir.resolve("root").toString(),
                "--runroot", runRoot.toString(),
                "--storage-driver", "vfs",
                "--tmpdir", workDir.resolve("tmp").toString()));
        command.addAll(List.of(args));
        return CliResult.run("podman", Containerd.verb(args), command, env(), stdin, TIMEOUT);
    }

    /** {@code podman login --tls-verify=false HOST -u USER --password-stdin}. */
    public CliResult login(String host, String user, String secret) {
        return podman(secretFile(secret), "login", "--tls-verify=false", "-u", user, "--password-stdin", host);
    }

    @Override
    public void close() {
        for (Path dir : List.of(runRoot, workDir)) {
            Mounts.unmountUnder(dir);
            Processes.deleteTree(dir);
        }
    }

    private Map<String, String> env() {
        Path conf = workDir.resolve("conf");
        return Map.of("CONTAINERS_CONF", conf.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", conf.resolve("storage.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", conf.resolve("registries.conf").toString(),
                "REGISTRY_AUTH_FILE", authFile().toString(),
                "XDG_RUNTIME_DIR", workDir.resolve("xdg").toString(),
                "TMPDIR", workDir.resolve("tmp").toString());
    }

    /** The signature policy, for {@code pull} and {@code push --signature-policy}. */
    public Path policy() {
        return workDir.resolve("conf").resolve("policy.json");
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
}
