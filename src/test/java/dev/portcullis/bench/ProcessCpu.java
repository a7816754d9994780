package dev.portcullis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} ({@code utime + stime}, in clock ticks of 10 ms): the
 * figure that says what a side of a benchmark cost the machine, where wall time on two shared cores says little.
 */
final class ProcessCpu {

    /** USER_HZ: 100 on every Linux architecture this runs on (the kernel's ABI for /proc, whatever HZ it uses). */
    private static final double TICK_SECONDS = 0.01;

    private ProcessCpu() {
    }

    /** This JVM's own CPU seconds (the service and the bench driver), children excluded. */
    static double self() {
        return fields(Path.of("/proc/self/stat"), 11, 12);
    }

    /** CPU seconds of this JVM's finished children (the CLI processes a bench ran and waited for). */
    static double reapedChildren() {
        return fields(Path.of("/proc/self/stat"), 13, 14);
    }

    /**
     * CPU seconds of this JVM's live JIT compiler threads ({@code C1/C2 CompilerThread}): a warm-up cost that a
     * loaded machine stretches into the measured seconds, reported apart from the service's own work. A compiler
     * thread the JVM retires while measured takes its seconds with it (counted as the service's).
     */
    static double compilerThreads() {
        double total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        total += fields(task.resolve("stat"), 11, 12);
                    }
                } catch (IOException | IllegalStateException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc/self/task", e);
        }
        return total;
    }

    /** CPU seconds of every live process whose command line contains {@code marker} (e.g. its data dir). */
    static double naming(String marker) {
        double total = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(marker)) {
                        total += fields(proc.resolve("stat"), 11, 12);
                    }
                } catch (IOException | IllegalStateException e) {
                    // the process ended while we looked: it no longer costs anything
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc", e);
        }
        return total;
    }

    /** The sum of two fields counted from the state field (index 0), in seconds. */
    private static double fields(Path stat, int a, int b) {
        try {
            String text = Files.readString(stat);
            // The command name is in parentheses and may hold spaces: count fields after the last ')'.
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[a]) + Long.parseLong(f[b])) * TICK_SECONDS;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read " + stat, e);
        }
    }
}
