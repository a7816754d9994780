package dev.portcullis.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives skopeo as a real registry client (token dance, blob upload, manifest push): no daemon and no image store,
 * an OCI layout dir on either side. The other real clients run through {@link DockerDaemon} (Debian's docker CLI
 * on a dockerd of its own), {@link Podman} and {@link Containerd} ({@code ctr}).
 * Each call is bounded to 120 s and logs to its own files (.log: command and stderr, .out: stdout) under
 * {@code target/testsupport-logs/}.
 */
public final class Skopeo {

    /**
     * Exit code, stdout ({@code output}: exact, e.g. the raw manifest) and stderr ({@code errors}: warnings,
     * the fatal message); {@code command} has credentials masked; {@code log} holds command and stderr.
     */
    public record Result(int exitCode, String output, String errors, List<String> command, Path log) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result if skopeo succeeded, else throws with the command and its output. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return "skopeo exit " + exitCode + ": " + String.join(" ", command) + " (log " + log + ")\n"
                    + output + errors;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final AtomicInteger CALLS = new AtomicInteger();

    private Skopeo() {
    }

    /** {@code skopeo copy oci:DIR:TAG docker://REF}; {@code creds} is "user:password", or null for anonymous. */
    public static Result push(Path ociLayoutDir, String tag, String destRef, String creds) {
        return push(ociLayoutDir, tag, destRef, creds, false);
    }

    /** As {@link #push(Path, String, String, String)}; {@code all} copies every image of an index. */
    public static Result push(Path ociLayoutDir, String tag, String destRef, String creds, boolean all) {
        List<String> args = new ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
        args.addAll(creds == null ? List.of("--dest-no-creds") : List.of("--dest-creds", creds));
        if (all) {
            args.addAll(List.of("--multi-arch", "all"));
        }
        args.add("oci:" + ociLayoutDir.toAbsolutePath() + ":" + tag);
        args.add(docker(destRef));
        return run(args);
    }

    /** {@code skopeo copy docker://REF oci:OUT:latest}; only the image for this machine's platform. */
    public static Result pull(String srcRef, Path outDir, String creds) {
        return pull(srcRef, outDir, creds, false);
    }

    /** As {@link #pull(String, Path, String)}; {@code all} copies the whole index with every image. */
    public static Result pull(String srcRef, Path outDir, String creds, boolean all) {
        List<String> args = new ArrayList<>(List.of("copy", "--src-tls-verify=false"));
        args.addAll(creds == null ? List.of("--src-no-creds") : List.of("--src-creds", creds));
        if (all) {
            args.addAll(List.of("--multi-arch", "all"));
        }
        args.add(docker(srcRef));
        args.add("oci:" + outDir.toAbsolutePath() + ":latest");
        return run(args);
    }

    /** {@code skopeo delete docker://REF} (REF by tag or digest; the registry deletes the manifest). */
    public static Result delete(String ref, String creds) {
        return run(withCreds(List.of("delete", "--tls-verify=false"), creds, docker(ref)));
    }

    /** {@code skopeo inspect --raw docker://REF}: the manifest (or index) bytes exactly as served. */
    public static Result rawManifest(String ref, String creds) {
        return run(withCreds(List.of("inspect", "--raw", "--tls-verify=false"), creds, docker(ref)));
    }

    /** {@code skopeo inspect docker://REF}: skopeo's JSON summary (Digest, Labels, Architecture, ...). */
    public static Result inspect(String ref, String creds) {
        return run(withCreds(List.of("inspect", "--tls-verify=false"), creds, docker(ref)));
    }

    /** {@code skopeo list-tags docker://HOST/REPO}. */
    public static Result listTags(String repoRef, String creds) {
        return run(withCreds(List.of("list-tags", "--tls-verify=false"), creds, docker(repoRef)));
    }

    /**
     * Runs {@code skopeo <args>} with the global options every call needs. {@code --insecure-policy}: these
     * tests are about registry auth, not signature policy, so a host's /etc/containers/policy.json (present
     * here, but possibly missing or restrictive elsewhere) must not matter.
     */
    public static Result run(List<String> args) {
        Path skopeo = DebianPackages.require("skopeo", "skopeo");
        List<String> command = new ArrayList<>(List.of(skopeo.toString(), "--insecure-policy",
                "--command-timeout", (TIMEOUT.toSeconds() - 10) + "s")); // let skopeo fail first, cleanly
        command.addAll(args);
        String verb = args.isEmpty() ? "help" : args.get(0);
        Path log = Processes.sharedLogDir().resolve(
                String.format("skopeo-%d-%04d-%s.log", ProcessHandle.current().pid(), CALLS.incrementAndGet(), verb));
        Path stdout = log.resolveSibling(log.getFileName().toString().replace(".log", ".out"));
        int exit = Processes.run(command, Map.of(), null, log, stdout, TIMEOUT);
        String errors = Processes.read(log);
        errors = errors.substring(errors.indexOf('\n') + 1); // drop the "$ command" header line
        return new Result(exit, Processes.read(stdout), errors, Processes.redact(command), log);
    }

    private static List<String> withCreds(List<String> head, String creds, String ref) {
        List<String> args = new ArrayList<>(head);
        args.addAll(creds == null ? List.of("--no-creds") : List.of("--creds", creds));
        args.add(ref);
        return args;
    }

    private static String docker(String ref) {
        return ref.startsWith("docker://") ? ref : "docker://" + ref;
    }
}
