package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real registry A/B: wall time for skopeo to push {@value #DEFAULT_IMAGES} small
 * distinct images, then pull them back, through Debian's registry (distribution 2.8)
 * <ul>
 * <li>(A) guarded by Portcullis: token auth against this test instance, notifications to its sink, and Portcullis
 * calling the registry for manifest details, as deployed;</li>
 * <li>(B) the same binary with its built-in htpasswd auth (bcrypt) and no notifications.</li>
 * </ul>
 * Rounds alternate A B A B, each with fresh repository names, after one untimed warm-up round of each. skopeo is
 * a new process per image on both sides, so neither keeps a token or a verified password between images; both
 * send the credentials with {@code --dest-creds}/{@code --src-creds}. In A, every push event must be stored in
 * MariaDB before the pulls start: the time the sink still needed after the last push is printed as the lag.
 * Run with {@code bench/registry.sh}.
 */
@QuarkusTest
class RegistryAbBench {

    static final int DEFAULT_IMAGES = 50;
    static final int IMAGES = Integer.getInteger("bench.images", DEFAULT_IMAGES);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int WARMUP_IMAGES = Integer.getInteger("bench.warmupImages", 5);
    /** skopeo processes at once; 1 = one image after the other. */
    static final int PARALLEL = Integer.getInteger("bench.parallel", 1);
    /** bcrypt cost of the htpasswd entry: 5 is what {@code htpasswd -B} writes, as the registry's docs show. */
    static final int BCRYPT_COST = Integer.getInteger("bench.bcryptCost", 5);
    /** Bytes of random (incompressible) content in each image's single layer. */
    static final int LAYER_BYTES = Integer.getInteger("bench.layerBytes", 4096);
    /** Per pushed image: the layer blob, the config blob and the manifest. */
    static final int PUSH_EVENTS_PER_IMAGE = 3;
    static final Duration SINK_WAIT = Duration.ofSeconds(120);
    /** Also a third side, T: token auth by Portcullis without notifications, to split A's cost in two. */
    static final boolean TOKENS_ONLY = Boolean.getBoolean("bench.tokensOnly");

    @Inject
    AgroalDataSource dataSource;

    /** {@code notifications}: its events go to the sink, and a round waits for them. */
    record Side(String name, RegistryProcess registry, boolean notifications) {
    }

    record Round(double push, double pull, double sinkLag) {
    }

    @Test
    void pushAndPullThroughBothRegistries() throws Exception {
        String loadAtStart = loadAverage();
        Path work = Files.createTempDirectory("portcullis-bench-registry");
        String user = TestUsers.create("bench");
        String creds = user + ":" + TestUsers.PASSWORD;

        Path htpasswd = work.resolve("htpasswd");
        Files.writeString(htpasswd, user + ":" + BcryptUtil.bcryptHash(TestUsers.PASSWORD, BCRYPT_COST) + "\n",
                StandardCharsets.UTF_8);
        List<RegistryProcess> registries = new ArrayList<>();
        List<Side> sides = new ArrayList<>();
        try {
            // A on the port Portcullis was told about, so its details fetcher calls this registry as in production.
            registries.add(GuardedRegistry.start(work.resolve("a"), true, true, RegistryPortResource.port()));
            sides.add(new Side("A", registries.get(registries.size() - 1), true));
            registries.add(RegistryProcess.start(work.resolve("b").resolve("registry"),
                    RegistryProcess.Config.builder().htpasswd(htpasswd).build(), FreePort.next()));
            sides.add(new Side("B", registries.get(registries.size() - 1), false));
            if (TOKENS_ONLY) {
                registries.add(GuardedRegistry.start(work.resolve("t"), false, true, FreePort.next()));
                sides.add(new Side("T", registries.get(registries.size() - 1), false));
            }
            // Untimed: JIT, page cache, Portcullis's first (cost 12) password check, the registries' first requests.
            for (Side side : sides) {
                run(side, user, creds, work, "w", WARMUP_IMAGES);
            }

            Map<String, List<Round>> rounds = new LinkedHashMap<>();
            List<String> lines = new ArrayList<>();
            for (int r = 1; r <= ROUNDS; r++) {
                for (Side side : sides) {
                    Round round = run(side, user, creds, work, "r" + r, IMAGES);
                    rounds.computeIfAbsent(side.name(), k -> new ArrayList<>()).add(round);
                    lines.add(String.format(Locale.ROOT, "round %d %s %9.2f %9.2f %9s", r, side.name(), round.push(),
                            round.pull(), side.notifications() ? String.format(Locale.ROOT, "%.2f", round.sinkLag()) : "-"));
                }
            }
            Map<String, double[]> medians = new LinkedHashMap<>(); // push, pull, sink lag
            rounds.forEach((name, list) -> medians.put(name, new double[] {
                median(list.stream().mapToDouble(Round::push).toArray()),
                median(list.stream().mapToDouble(Round::pull).toArray()),
                median(list.stream().mapToDouble(Round::sinkLag).toArray())}));
            double[] a = medians.get("A");
            double[] b = medians.get("B");

            System.out.printf(Locale.ROOT, "%nbench registry A/B: %s %s, %d images of %d bytes per round, %d skopeo at once, "
                    + "htpasswd bcrypt cost %d, load average at start %s%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), IMAGES, LAYER_BYTES, PARALLEL, BCRYPT_COST, loadAtStart);
            System.out.println("bench sides: A = token auth by Portcullis + notifications to its sink; B = htpasswd, no "
                    + "notifications" + (TOKENS_ONLY ? "; T = token auth by Portcullis, no notifications" : ""));
            System.out.printf(Locale.ROOT, "%-9s %-1s %9s %9s %9s%n", "round", "", "push s", "pull s", "sink lag s");
            lines.forEach(System.out::println);
            medians.forEach((name, m) -> System.out.printf(Locale.ROOT, "median %s %9.2f %9.2f %9s%n", name, m[0], m[1],
                    name.equals("A") ? String.format(Locale.ROOT, "%.2f", m[2]) : "-"));
            System.out.printf(Locale.ROOT, "ratio A/B push %.2f, pull %.2f, push+pull %.2f (goal <= 1.0); "
                    + "per image A %.0f/%.0f ms, B %.0f/%.0f ms (push/pull); load average at end %s%n",
                    a[0] / b[0], a[1] / b[1], (a[0] + a[1]) / (b[0] + b[1]),
                    1000 * a[0] / IMAGES, 1000 * a[1] / IMAGES, 1000 * b[0] / IMAGES, 1000 * b[1] / IMAGES,
                    loadAverage());
            if (TOKENS_ONLY) {
                double[] t = medians.get("T");
                System.out.printf(Locale.ROOT, "ratio T/B push %.2f, pull %.2f (tokens alone); A/T push %.2f, pull %.2f "
                        + "(what the notifications add)%n", t[0] / b[0], t[1] / b[1], a[0] / t[0], a[1] / t[1]);
            }
        } finally {
            registries.forEach(RegistryProcess::stop);
            if (Boolean.getBoolean("bench.keep")) {
                System.out.println("bench work dir kept: " + work);
            } else {
                try (Stream<Path> paths = Files.walk(work)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** One timed pass on one side: push {@code images} fresh images, (A: await their events), pull them back. */
    Round run(Side side, String namespace, String creds, Path work, String round, int images) throws Exception {
        String prefix = namespace + "/" + round + side.name().toLowerCase(Locale.ROOT) + "-";
        Path layout = work.resolve("images").resolve(round + side.name());
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < images; i++) {
            byte[] content = new byte[LAYER_BYTES];
            random.nextBytes(content);
            OciImage.write(layout, Integer.toString(i), "data.bin", content);
        }
        long pushStart = System.nanoTime();
        each(images, i -> Skopeo.push(layout, Integer.toString(i), ref(side, prefix, i), creds).orThrow());
        long pushEnd = System.nanoTime();

        double lag = 0;
        if (side.notifications()) {
            long expected = (long) PUSH_EVENTS_PER_IMAGE * images;
            long stored = awaitPushEvents(prefix, expected);
            lag = (System.nanoTime() - pushEnd) / 1e9;
            assertEquals(expected, stored, () -> "every push event of " + prefix + "* reaches the sink\n"
                    + side.registry().log());
        }

        Path pulled = Files.createDirectories(work.resolve("pulled").resolve(round + side.name()));
        long pullStart = System.nanoTime();
        each(images, i -> Skopeo.pull(ref(side, prefix, i), pulled.resolve(Integer.toString(i)), creds).orThrow());
        long pullEnd = System.nanoTime();
        if (side.notifications()) {
            // Let the pulls' events drain before the other side's round starts, so it does not pay for them.
            awaitQuietSink(prefix);
        }
        return new Round((pushEnd - pushStart) / 1e9, (pullEnd - pullStart) / 1e9, lag);
    }

    static String ref(Side side, String prefix, int i) {
        return side.registry().host() + "/" + prefix + i + ":1";
    }

    interface Step {
        void run(int i) throws Exception;
    }

    static void each(int count, Step step) throws Exception {
        if (PARALLEL <= 1) {
            for (int i = 0; i < count; i++) {
                step.run(i);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                running.add(pool.submit(() -> {
                    step.run(n);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    long awaitPushEvents(String prefix, long expected) throws Exception {
        long deadline = System.nanoTime() + SINK_WAIT.toNanos();
        long stored;
        while ((stored = countEvents(prefix, "push")) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return stored;
    }

    /** Waits until no new event of these repositories arrived for one second (the registry's backoff is 1 s). */
    void awaitQuietSink(String prefix) throws Exception {
        long deadline = System.nanoTime() + SINK_WAIT.toNanos();
        long last = -1;
        long now;
        while ((now = countEvents(prefix, null)) != last && System.nanoTime() < deadline) {
            last = now;
            Thread.sleep(1000);
        }
    }

    long countEvents(String prefix, String action) throws Exception {
        String sql = "SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?" + (action == null ? "" : " AND action = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, prefix.replace("_", "\\_") + "%");
            if (action != null) {
                s.setString(2, action);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
