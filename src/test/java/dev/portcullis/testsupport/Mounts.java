package dev.portcullis.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Mount points under a daemon's private dir, read from {@code /proc/self/mountinfo}: dockerd and containerd may
 * leave some (a container's root, {@code /run/...} namespaces) when they stop uncleanly, and a mounted dir cannot
 * be deleted.
 */
public final class Mounts {

    private Mounts() {
    }

    /** Mount points at or below {@code dir}, deepest first. */
    public static List<Path> under(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    Path point = Path.of(unescape(fields[4]));
                    if (point.startsWith(root)) {
                        found.add(point);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read /proc/self/mountinfo", e);
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Unmounts everything at or below {@code dir} (lazily when a plain umount fails); reports what stays. */
    public static void unmountUnder(Path dir) {
        for (Path point : under(dir)) {
            Path log = Processes.sharedLogDir().resolve("umount.log");
            if (Processes.run(List.of("umount", point.toString()), Map.of(), null, log, Duration.ofSeconds(30)) != 0) {
                Processes.run(List.of("umount", "-l", point.toString()), Map.of(), null, log, Duration.ofSeconds(30));
            }
        }
        List<Path> left = under(dir);
        if (!left.isEmpty()) {
            System.err.println("testsupport: still mounted under " + dir + ": " + left);
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
