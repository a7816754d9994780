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
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real registry A/B (issue "Fast and unbreakable"): wall time for skopeo to push {@value #DEFAULT_IMAGES} small
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

    @Inject
    AgroalDataSource dataSource;

    record Side(String name, RegistryProcess registry, boolean guarded) {
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
        // A on the port Portcullis was told about, so its details fetcher calls this registry as in production.
        RegistryProcess guarded = GuardedRegistry.start(work.resolve("a"), true, true, RegistryPortResource.port());
        RegistryProcess plain = RegistryProcess.start(work.resolve("b").resolve("registry"),
                RegistryProcess.Config.builder().htpasswd(htpasswd).build(), FreePort.next());
        Side a = new Side("A", guarded, true);
        Side b = new Side("B", plain, false);
        try {
            // Untimed: JIT, page cache, Portcullis's first (cost 12) password check, the registries' first requests.
            run(a, user, creds, work, "w", WARMUP_IMAGES);
            run(b, user, creds, work, "w", WARMUP_IMAGES);

            List<Round> roundsA = new ArrayList<>();
            List<Round> roundsB = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (int r = 1; r <= ROUNDS; r++) {
                for (Side side : List.of(a, b)) {
                    Round round = run(side, user, creds, work, "r" + r, IMAGES);
                    (side.guarded() ? roundsA : roundsB).add(round);
                    lines.add(String.format(Locale.ROOT, "round %d %s %9.2f %9.2f %9s", r, side.name(), round.push(),
                            round.pull(), side.guarded() ? String.format(Locale.ROOT, "%.2f", round.sinkLag()) : "-"));
                }
            }
            double pushA = median(roundsA.stream().mapToDouble(Round::push).toArray());
            double pushB = median(roundsB.stream().mapToDouble(Round::push).toArray());
            double pullA = median(roundsA.stream().mapToDouble(Round::pull).toArray());
            double pullB = median(roundsB.stream().mapToDouble(Round::pull).toArray());
            double lagA = median(roundsA.stream().mapToDouble(Round::sinkLag).toArray());

            System.out.printf(Locale.ROOT, "%nbench registry A/B: %s %s, %d images of %d bytes per round, %d skopeo at once, "
                    + "htpasswd bcrypt cost %d, load average at start %s%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), IMAGES, LAYER_BYTES, PARALLEL, BCRYPT_COST, loadAtStart);
            System.out.printf(Locale.ROOT, "%-9s %-1s %9s %9s %9s%n", "round", "", "push s", "pull s", "sink lag s");
            lines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "median A %9.2f %9.2f %9.2f%n", pushA, pullA, lagA);
            System.out.printf(Locale.ROOT, "median B %9.2f %9.2f %9s%n", pushB, pullB, "-");
            System.out.printf(Locale.ROOT, "ratio A/B push %.2f, pull %.2f, push+pull %.2f (goal <= 1.0); "
                    + "per image A %.0f/%.0f ms, B %.0f/%.0f ms (push/pull); load average at end %s%n",
                    pushA / pushB, pullA / pullB, (pushA + pullA) / (pushB + pullB),
                    1000 * pushA / IMAGES, 1000 * pullA / IMAGES, 1000 * pushB / IMAGES, 1000 * pullB / IMAGES,
                    loadAverage());
        } finally {
            guarded.stop();
            plain.stop();
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
        if (side.guarded()) {
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
        if (side.guarded()) {
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
