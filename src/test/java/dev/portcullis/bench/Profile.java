package dev.portcullis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import one.profiler.AsyncProfiler;

/**
 * Where the service's CPU time goes during one case of a benchmark: async-profiler (from Maven Central, its Linux
 * library inside the jar) sampling CPU time every millisecond in this JVM, kernel and JVM frames included, when
 * {@code -Dbench.profile=DIR} is given; otherwise nothing. On {@link #close()} it writes the collapsed stacks to
 * {@code DIR/<case>.collapsed} (for a flame graph) and prints, for the service's threads only (the load
 * generator's threads, named {@code bench-*} and {@code HttpClient-*}, left out), the share of samples per
 * library or layer (a sample counts for every layer on its stack) and the top frames by self time.
 */
final class Profile implements AutoCloseable {

    static final String DIR = System.getProperty("bench.profile");

    /** Layers by the frames that name them; kernel frames end in {@code _[k]}. */
    private static final Map<String, String[]> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("netty", new String[] {"io/netty/"});
        LAYERS.put("vert.x", new String[] {"io/vertx/"});
        LAYERS.put("resteasy", new String[] {"org/jboss/resteasy/"});
        LAYERS.put("jackson", new String[] {"com/fasterxml/jackson/"});
        LAYERS.put("hibernate", new String[] {"org/hibernate/"});
        LAYERS.put("narayana (JTA)", new String[] {"com/arjuna/", "io/quarkus/narayana/"});
        LAYERS.put("agroal (pool)", new String[] {"io/agroal/"});
        LAYERS.put("mariadb driver", new String[] {"org/mariadb/"});
        LAYERS.put("micrometer", new String[] {"io/micrometer/"});
        LAYERS.put("logging", new String[] {"org/jboss/logmanager/", "org/jboss/logging/"});
        LAYERS.put("security", new String[] {"io/quarkus/security/", "io/quarkus/vertx/http/runtime/security/"});
        LAYERS.put("crypto", new String[] {"sun/security/", "org/bouncycastle/", "javax/crypto/"});
        LAYERS.put("jose4j / smallrye-jwt", new String[] {"org/jose4j/", "io/smallrye/jwt/"});
        LAYERS.put("portcullis events", new String[] {"dev/portcullis/events/"});
        LAYERS.put("portcullis registry", new String[] {"dev/portcullis/registry/"});
        LAYERS.put("portcullis token", new String[] {"dev/portcullis/token/"});
        LAYERS.put("portcullis access", new String[] {"dev/portcullis/access/"});
        LAYERS.put("kernel", new String[] {"_[k]"});
    }

    private final String name;
    private final AsyncProfiler profiler;

    private Profile(String name, AsyncProfiler profiler) {
        this.name = name;
        this.profiler = profiler;
    }

    /** A profile that samples nothing. */
    static Profile none() {
        return new Profile("none", null);
    }

    /** Starts sampling if {@code -Dbench.profile} is set; {@code name} names the case (and its file). */
    static Profile start(String name) {
        if (DIR == null) {
            return new Profile(name, null);
        }
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        try {
            profiler.execute("start,event=cpu,interval=1ms,threads");
        } catch (IOException e) {
            throw new UncheckedIOException("async-profiler did not start", e);
        }
        return new Profile(name, profiler);
    }

    @Override
    public void close() {
        if (profiler == null) {
            return;
        }
        try {
            profiler.execute("stop");
            String collapsed = profiler.execute("collapsed");
            Path file = Files.createDirectories(Path.of(DIR)).resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".collapsed");
            Files.writeString(file, collapsed);
            summarize(collapsed, file);
        } catch (IOException e) {
            throw new UncheckedIOException("async-profiler did not stop", e);
        }
    }

    private void summarize(String collapsed, Path file) {
        long total = 0;
        Map<String, Long> layers = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            String thread = frames[0].replaceAll(" tid=\\d+\\]$", "").replaceAll("^\\[", "").replaceAll("\\d+", "N");
            if (thread.startsWith("bench-") || thread.startsWith("HttpClient-")) {
                continue;
            }
            total += samples;
            threads.merge(thread, samples, Long::sum);
            self.merge(frames[frames.length - 1], samples, Long::sum);
            Set<String> seen = new HashSet<>();
            for (String frame : frames) {
                LAYERS.forEach((layer, markers) -> {
                    for (String marker : markers) {
                        if (frame.contains(marker)) {
                            seen.add(layer);
                        }
                    }
                });
            }
            seen.forEach(layer -> layers.merge(layer, samples, Long::sum));
        }
        System.out.printf(Locale.ROOT, "profile %s: %d ms of service CPU sampled (stacks in %s)%n", name, total, file);
        print("thread", threads, total, 8);
        print("layer", layers, total, LAYERS.size());
        print("self", self, total, 15);
    }

    private void print(String kind, Map<String, Long> counts, long total, int limit) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf(Locale.ROOT, "profile %s %-6s %5.1f%% %s%n", name, kind,
                        100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}
