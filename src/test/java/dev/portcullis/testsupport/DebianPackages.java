package dev.portcullis.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the external binaries the end-to-end tests drive (mariadbd, docker-registry, skopeo, dockerd and docker,
 * podman, containerd and ctr) and, when the tests run as root on Debian, installs the missing package so a fresh
 * CI box needs no manual setup.
 */
public final class DebianPackages {

    /** sbin dirs are often missing from a non-login PATH, yet mariadbd lives in /usr/sbin. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin");
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);
    /** Wait for a concurrent apt/dpkg run instead of failing on its lock. */
    private static final String LOCK_WAIT = "DPkg::Lock::Timeout=300";
    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private static boolean aptUpdated;

    private DebianPackages() {
    }

    /**
     * Returns the path of {@code binary}, installing {@code debianPackage} with apt-get first if needed and
     * possible (root only).
     *
     * @throws IllegalStateException naming the command to run when the binary cannot be provided
     */
    public static synchronized Path require(String binary, String debianPackage) {
        Optional<Path> found = find(binary);
        if (found.isPresent()) {
            return found.get();
        }
        int rc = install("'" + binary + "' not found on PATH or in " + EXTRA_DIRS, debianPackage);
        found = find(binary);
        if (found.isEmpty()) {
            throw new IllegalStateException("'" + binary + "' still missing after apt-get install " + debianPackage
                    + " (exit " + rc + "); install it with: sudo apt-get install -y " + debianPackage
                    + Processes.describeLog(Processes.sharedLogDir().resolve("apt-get.log")));
        }
        return found.get();
    }

    /**
     * Returns {@code binary}, an absolute path the Debian package installs, installing {@code debianPackage}
     * first if needed and possible (root only). For binaries that must not be looked up on PATH: this machine's
     * {@code /usr/local/bin/docker} is another Docker client than Debian's {@code /usr/bin/docker}.
     *
     * @throws IllegalStateException naming the command to run when the binary cannot be provided
     */
    public static synchronized Path requireExactly(Path binary, String debianPackage) {
        if (!binary.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path: " + binary);
        }
        if (!Files.isExecutable(binary)) {
            // require() installs the package when its binary's name is found nowhere; here the name may be found
            // elsewhere (another docker), so install by the package whatever PATH holds.
            install(binary + " is missing", debianPackage);
        }
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " still missing after apt-get install " + debianPackage
                    + "; install it with: sudo apt-get install -y " + debianPackage);
        }
        return binary;
    }

    /**
     * apt-get install {@code debianPackage} (apt-get update once per JVM); returns apt-get's exit code.
     * {@code missing} says what is missing, for the message when this cannot install (not root).
     */
    private static int install(String missing, String debianPackage) {
        String manual = "sudo apt-get install -y " + debianPackage;
        if (!isRoot()) {
            throw new IllegalStateException(missing + "; install it with: " + manual);
        }
        Path log = Processes.sharedLogDir().resolve("apt-get.log");
        if (!aptUpdated) {
            int rc = Processes.run(List.of("apt-get", "-o", LOCK_WAIT, "update", "-qq"), APT_ENV, null, log,
                    APT_TIMEOUT);
            if (rc != 0) {
                throw new IllegalStateException("apt-get update failed (exit " + rc + ") while installing "
                        + debianPackage + "; install it with: " + manual + Processes.describeLog(log));
            }
            aptUpdated = true;
        }
        return Processes.run(List.of("apt-get", "-o", LOCK_WAIT, "install", "-y", "-qq", debianPackage), APT_ENV,
                null, log, APT_TIMEOUT);
    }

    /** Looks for an executable {@code binary} on PATH, then in the usual system dirs. */
    public static Optional<Path> find(String binary) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(EXTRA_DIRS);
        List<Path> candidates = new ArrayList<>();
        for (String dir : dirs) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, binary));
            }
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** Effective uid 0; /proc/self is owned by the effective uid, so no child process is needed. */
    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no /proc or no unix attribute view: fall back to the user name
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
