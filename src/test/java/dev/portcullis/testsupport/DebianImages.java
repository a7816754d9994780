package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container images made from Debian packages, since no image registry can be reached: {@code mmdebstrap} writes a
 * root filesystem tarball of Debian bookworm with the packages an image needs (from the machine's apt sources),
 * plus a few files of ours from {@code src/test/resources/stack-images/NAME/}, and {@link #load} imports it into a
 * test {@link DockerDaemon} with its entrypoint.
 *
 * <p>A tarball takes about 45 s to make, so it is cached outside {@code target/} ({@code mvn clean} keeps it), in
 * {@code $PORTCULLIS_TEST_IMAGE_CACHE} or {@code ~/.cache/portcullis-test-images/}, under a key that changes when
 * what goes in changes: the hash of the package list, each package's candidate version as {@code apt-cache policy}
 * tells it (a security update of the JRE makes a new image), and our files. Dependencies are not in the key: they
 * follow the packages named.
 */
public final class DebianImages {

    /** What one image holds and how it starts. */
    public record Spec(String name, List<String> packages, List<String> files, String entrypoint, String user) {
    }

    /**
     * The JRE base for {@code src/main/docker/Dockerfile.jvm} (its {@code BASE_IMAGE}): OpenJDK 17 and a
     * {@code run-java.sh} at the path the production base keeps it, reading the same variables.
     */
    public static final Spec JRE = new Spec("jre", List.of("openjdk-17-jre-headless", "ca-certificates"),
            List.of("run-java.sh:/opt/jboss/container/java/run/run-java.sh"), null, null);
    /** distribution 2.8 from Debian's {@code docker-registry}; entrypoint as the official image's ({@code registry}). */
    public static final Spec REGISTRY = new Spec("registry", List.of("docker-registry", "ca-certificates"),
            List.of(), "/usr/bin/docker-registry", null);
    /**
     * MariaDB from Debian's {@code mariadb-server}, with the two scripts of the official image the chart relies on:
     * an entrypoint that creates the database and users from {@code MARIADB_*} on an empty data dir, and
     * {@code healthcheck.sh} for the probes.
     */
    public static final Spec MARIADB = new Spec("mariadb", List.of("mariadb-server", "mariadb-client"),
            List.of("docker-entrypoint.sh:/usr/local/bin/docker-entrypoint.sh",
                    "healthcheck.sh:/usr/local/bin/healthcheck.sh"),
            "/usr/local/bin/docker-entrypoint.sh", null);

    private static final String SUITE = "bookworm";
    private static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern CANDIDATE = Pattern.compile("(?m)^\\s*Candidate:\\s*(\\S+)");

    private DebianImages() {
    }

    /** The cache dir for tarballs; outside {@code target/}. */
    public static Path cacheDir() {
        String configured = System.getenv("PORTCULLIS_TEST_IMAGE_CACHE");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "portcullis-test-images");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    /**
     * Imports the image into {@code docker} (making or reusing its cached tarball) and returns its reference,
     * {@code portcullis-test/NAME:KEY}.
     */
    public static String load(DockerDaemon docker, Spec spec) {
        String key = key(spec);
        String ref = "portcullis-test/" + spec.name() + ":" + key;
        if (docker.docker("image", "inspect", ref).ok()) {
            return ref;
        }
        Path tar = tarball(spec, key);
        List<String> args = new ArrayList<>(List.of("import"));
        if (spec.entrypoint() != null) {
            args.addAll(List.of("--change", "ENTRYPOINT [\"" + spec.entrypoint() + "\"]"));
        }
        if (spec.user() != null) {
            args.addAll(List.of("--change", "USER " + spec.user()));
        }
        args.addAll(List.of(tar.toString(), ref));
        docker.docker(args.toArray(String[]::new)).orThrow();
        return ref;
    }

    /** The cached tarball of {@code spec}, made first when there is none for its key. */
    static synchronized Path tarball(Spec spec, String key) {
        Path tar = cacheDir().resolve(spec.name() + "-" + key + ".tar");
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        Path mmdebstrap = DebianPackages.require("mmdebstrap", "mmdebstrap");
        Path work = cacheDir().resolve(spec.name() + "-" + key + ".work-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(work);
            List<String> command = new ArrayList<>(List.of(mmdebstrap.toString(), "--variant=apt", "--quiet",
                    "--include=" + String.join(",", spec.packages())));
            for (String file : spec.files()) {
                String[] parts = file.split(":", 2);
                Path copy = work.resolve(parts[0]);
                try (InputStream in = resource(spec.name() + "/" + parts[0])) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                String target = parts[1];
                String dir = target.substring(0, target.lastIndexOf('/'));
                command.add("--customize-hook=mkdir -p \"$1" + dir + "\"");
                command.add("--customize-hook=copy-in " + copy + " " + dir);
                command.add("--customize-hook=chmod 0755 \"$1" + target + "\"");
            }
            // Smaller images: no apt lists or docs (what apt would refresh in a running container anyway).
            command.add("--customize-hook=rm -rf \"$1/var/lib/apt/lists\"/* \"$1/usr/share/doc\" \"$1/usr/share/man\"");
            Path partial = work.resolve("image.tar");
            command.addAll(List.of(SUITE, partial.toString()));
            Path log = Processes.sharedLogDir().resolve("mmdebstrap-" + spec.name() + ".log");
            int rc = Processes.run(command, Map.of("TMPDIR", work.toString()), work, log, MMDEBSTRAP_TIMEOUT);
            if (rc != 0) {
                throw new IllegalStateException("mmdebstrap " + spec.name() + " exited " + rc
                        + Processes.describeLog(log));
            }
            // Renamed into place whole, so a concurrent or interrupted run never finds half a tarball.
            Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
            return tar;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the " + spec.name() + " image", e);
        } finally {
            // mmdebstrap mounts /proc, /sys and /dev into its chroot under TMPDIR: never delete through them.
            Mounts.unmountUnder(work);
            if (Mounts.under(work).isEmpty()) {
                Processes.deleteTree(work);
            }
        }
    }

    /**
     * The cache key: the suite, each package with its candidate version (the one mmdebstrap installs from the same
     * apt sources), and the bytes of our files, hashed.
     */
    public static String key(Spec spec) {
        Map<String, String> versions = new TreeMap<>();
        for (String pkg : spec.packages()) {
            versions.put(pkg, candidate(pkg));
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((SUITE + "\n" + versions + "\n" + spec.entrypoint() + "\n" + spec.user() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (String file : spec.files()) {
                sha.update(file.getBytes(StandardCharsets.UTF_8));
                try (InputStream in = resource(spec.name() + "/" + file.split(":", 2)[0])) {
                    sha.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code apt-cache policy PKG}'s candidate, updating apt's lists once when it knows none. */
    static String candidate(String pkg) {
        String version = policyCandidate(pkg);
        if (version == null || version.equals("(none)")) {
            DebianPackages.require("mmdebstrap", "mmdebstrap"); // runs apt-get update when it installs
            version = policyCandidate(pkg);
        }
        if (version == null || version.equals("(none)")) {
            throw new IllegalStateException("apt-cache policy " + pkg + " names no candidate; run apt-get update");
        }
        return version;
    }

    private static String policyCandidate(String pkg) {
        try {
            Path out = Files.createTempFile("apt-cache-policy", ".txt");
            try {
                Path log = Processes.sharedLogDir().resolve("apt-cache.log");
                Processes.run(List.of("apt-cache", "policy", pkg), Map.of("LC_ALL", "C"), null, log, out,
                        Duration.ofSeconds(60));
                Matcher m = CANDIDATE.matcher(Files.readString(out));
                return m.find() ? m.group(1) : null;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DebianImages.class.getResourceAsStream("/stack-images/" + name);
        if (in == null) {
            throw new IllegalStateException("no test resource stack-images/" + name);
        }
        return in;
    }
}
