package dev.portcullis.testsupport;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of some system paths exist, remembered before a daemon starts, so that what it created outside the
 * dirs it was given can be found, and removed, after it stopped. Debian's dockerd 20.10 creates
 * {@code /run/docker/plugins} whatever it is told (the plugin socket dir is fixed, socket paths must stay short)
 * and leaves it behind; the helpers here pass every other location explicitly, and the tests check that the
 * usual system locations are as they found them.
 */
public final class HostFootprint {

    /** Where Debian's docker.io, containerd and podman keep state by default, as root. */
    public static final List<Path> CONTAINER_TOOL_PATHS = List.of(Path.of("/etc/docker/key.json"),
            Path.of("/run/docker"), Path.of("/var/run/docker.sock"), Path.of("/var/lib/docker"),
            Path.of("/run/containerd"), Path.of("/var/lib/containerd"), Path.of("/opt/containerd"),
            Path.of("/run/containers"), Path.of("/var/lib/containers/storage"), Path.of("/var/lib/cni"),
            Path.of(System.getProperty("user.home"), ".docker"));

    private final Map<Path, Boolean> existed = new LinkedHashMap<>();

    private HostFootprint(List<Path> paths) {
        for (Path path : paths) {
            existed.put(path, Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        }
    }

    public static HostFootprint of(List<Path> paths) {
        return new HostFootprint(paths);
    }

    /** The paths that exist now and did not then. */
    public List<Path> created() {
        List<Path> created = new ArrayList<>();
        existed.forEach((path, before) -> {
            if (!before && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                created.add(path);
            }
        });
        return created;
    }

    /**
     * Removes the created paths that are empty directories (or hold only empty directories), deepest first;
     * anything with a file in it stays, for {@link #created()} to report.
     */
    public void removeCreatedEmptyDirs() {
        for (Path path : created()) {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(p);
                    }
                }
            } catch (DirectoryNotEmptyException e) {
                // holds a file: not ours to delete
            } catch (IOException | java.io.UncheckedIOException e) {
                System.err.println("testsupport: cannot remove " + path + ": " + e.getMessage());
            }
        }
    }
}
