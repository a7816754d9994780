package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.DockerArchive;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.MariaDbTestResource;
import dev.portcullis.testsupport.RegistryPortResource;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What guarding costs a docker user: wall time for Debian's docker CLI (through a dockerd of our own) to push
 * {@value #DEFAULT_IMAGES} images of several layers, then pull them back, through Debian's registry
 * (distribution 2.8) configured four ways, side by side in one run:
 * <ul>
 * <li>A: token auth by Portcullis, notifications to its sink with the chart's settings (blob events ignored at
 * the source, {@code ignoredmediatypes: [application/octet-stream]});</li>
 * <li>N: the same with every event sent, blob events included;</li>
 * <li>T: token auth by Portcullis, no notifications;</li>
 * <li>B: the registry's own htpasswd auth (bcrypt, cost 5 as {@code htpasswd -B} writes), no notifications.</li>
 * </ul>
 * Every image is new random content (no layer is shared or mounted), loaded into dockerd before the clock starts;
 * each image is one {@code docker push} and, after {@code docker rmi}, one {@code docker pull}, one after the
 * other. Rounds rotate the order of the sides. A side with notifications ends its round only when the sink
 * stored every push event (checked), went quiet after the pulls and fetched the manifests' details, so that the
 * work its notifications cause is counted in its own CPU figures, never in another side's. The CPU seconds of
 * each process group (the service's JVM, MariaDB, the registry, dockerd with containerd, the docker CLI) come
 * from {@code /proc} over the whole round. Run with {@code bench/docker.sh}.
 */
@QuarkusTest
class DockerCliBench {

    static final int DEFAULT_IMAGES = 50;
    static final int IMAGES = Integer.getInteger("bench.images", DEFAULT_IMAGES);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int WARMUP_IMAGES = Integer.getInteger("bench.warmupImages", 5);
    static final int BCRYPT_COST = Integer.getInteger("bench.bcryptCost", 5);
    /** Bytes of random content per layer; three layers by default. */
    static final int[] LAYERS = Arrays.stream(System.getProperty("bench.layers", "262144,65536,16384").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    static final List<String> SIDES = List.of(System.getProperty("bench.sides", "A,N,T,B").split(","));
    static final Duration SINK_WAIT = Duration.ofSeconds(120);
    static final String BLOB_TYPE = "application/octet-stream";

    @Inject
    AgroalDataSource dataSource;

    enum Kind {
        /** Token auth and notifications without blob events (the chart). */
        A("token auth + notifications, blob events ignored (the chart's default)", true, true),
        /** Token auth and every notification. */
        N("token auth + notifications, blob events included", true, false),
        T("token auth, no notifications", false, false),
        B("htpasswd (bcrypt), no notifications", false, false);

        final String description;
        final boolean notifications;
        final boolean blobEventsIgnored;

        Kind(String description, boolean notifications, boolean blobEventsIgnored) {
            this.description = description;
            this.notifications = notifications;
            this.blobEventsIgnored = blobEventsIgnored;
        }

        long pushEventsPerImage() {
            return blobEventsIgnored ? 1 : 1 + 1 + LAYERS.length; // the manifest, the config, the layers
        }
    }

    record Round(double push, double pull, double sinkLag, Map<String, Double> cpu) {
        double cpuTotal() {
            return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private Path work;
    private DockerDaemon dockerd;
    private String user;
    /** The registry on the port Portcullis fetches details from, configured for A or N. */
    private RegistryProcess guarded;
    private Kind guardedAs;
    private final Map<Kind, RegistryProcess> others = new LinkedHashMap<>();

    @Test
    void dockerPushAndPullOnEverySide() throws Exception {
        String loadAtStart = loadAverage();
        work = Files.createTempDirectory(Path.of("target"), "docker-bench").toAbsolutePath();
        user = TestUsers.create("bench");
        dockerd = DockerDaemon.start(work.resolve("dockerd"));
        List<Kind> sides = SIDES.stream().map(Kind::valueOf).toList();
        try {
            for (Kind side : sides) {
                if (!side.notifications) {
                    others.put(side, startOther(side));
                }
            }
            for (Kind side : sides) { // untimed: JIT, the first password check, each registry's first requests
                run(side, "w", WARMUP_IMAGES);
            }
            Map<Kind, List<Round>> rounds = new LinkedHashMap<>();
            sides.forEach(side -> rounds.put(side, new ArrayList<>()));
            List<String> lines = new ArrayList<>();
            for (int r = 1; r <= ROUNDS; r++) {
                for (int k = 0; k < sides.size(); k++) {
                    Kind side = sides.get((k + r - 1) % sides.size());
                    Round round = run(side, "r" + r, IMAGES);
                    rounds.get(side).add(round);
                    lines.add(String.format(Locale.ROOT, "round %d %s %7.2f %7.2f %6s %s", r, side, round.push(),
                            round.pull(), side.notifications ? String.format(Locale.ROOT, "%.2f", round.sinkLag()) : "-",
                            cpuColumns(round)));
                }
            }
            print(sides, rounds, lines, loadAtStart);
        } finally {
            if (guarded != null) {
                guarded.stop();
            }
            others.values().forEach(RegistryProcess::stop);
            dockerd.close();
            if (!Boolean.getBoolean("bench.keep")) {
                deleteTree(work);
            } else {
                System.out.println("bench work dir kept: " + work);
            }
        }
    }

    /** One timed pass: push {@code images} new images, await the sink, rmi, pull them back, await the sink. */
    Round run(Kind side, String round, int images) throws Exception {
        RegistryProcess registry = registryFor(side);
        String prefix = user + "/" + round + side.name().toLowerCase(Locale.ROOT) + "-";
        List<String> refs = IntStream.range(0, images).mapToObj(i -> registry.host() + "/" + prefix + i + ":1").toList();
        Path archive = DockerArchive.write(work.resolve(round + side + ".tar"), refs, LAYERS, new SplittableRandom());
        dockerd.docker("load", "-i", archive.toString()).orThrow();
        Files.delete(archive);

        // Warm-up rounds are never profiled.
        Profile profile = round.startsWith("w") ? Profile.none() : Profile.start("docker-" + side + "-" + round);
        Map<String, Double> cpuStart = cpu(registry);
        long pushStart = System.nanoTime();
        for (String ref : refs) {
            dockerd.docker("push", ref).orThrow();
        }
        long pushEnd = System.nanoTime();
        double lag = 0;
        if (side.notifications) {
            long expected = side.pushEventsPerImage() * images;
            long stored = await(() -> countEvents(prefix, "push"), n -> n >= expected);
            lag = (System.nanoTime() - pushEnd) / 1e9;
            assertEquals(expected, stored, () -> "every push event of " + prefix + "* is stored\n" + registry.log());
        }
        rmi(refs);

        long pullStart = System.nanoTime();
        for (String ref : refs) {
            dockerd.docker("pull", ref).orThrow();
        }
        long pullEnd = System.nanoTime();
        if (side.notifications) {
            awaitQuiet(() -> countEvents(prefix, null));
            await(() -> pendingDetails(prefix), n -> n == 0);
        }
        Map<String, Double> cpuEnd = cpu(registry);
        profile.close();
        rmi(refs);
        Map<String, Double> spent = new LinkedHashMap<>();
        cpuEnd.forEach((group, seconds) -> spent.put(group, seconds - cpuStart.get(group)));
        return new Round((pushEnd - pushStart) / 1e9, (pullEnd - pullStart) / 1e9, lag, spent);
    }

    /** A and N share one registry (and its storage) on the port Portcullis reads details from: restarted to switch. */
    RegistryProcess registryFor(Kind side) {
        if (!side.notifications) {
            return others.get(side);
        }
        if (guardedAs != side) {
            if (guarded != null) {
                guarded.stop();
            }
            RegistryProcess.Config.Builder config = GuardedRegistry.config(work.resolve("guarded"), null, true, true);
            if (side.blobEventsIgnored) {
                config.ignoredMediaTypes(BLOB_TYPE);
            }
            guarded = RegistryProcess.start(work.resolve("guarded").resolve("registry"), config.build(),
                    RegistryPortResource.port());
            guardedAs = side;
            dockerd.login(guarded.host(), user, TestUsers.PASSWORD).orThrow();
        }
        return guarded;
    }

    RegistryProcess startOther(Kind side) throws Exception {
        RegistryProcess registry;
        if (side == Kind.B) {
            Path htpasswd = Files.createDirectories(work.resolve("b")).resolve("htpasswd");
            Files.writeString(htpasswd, user + ":" + BcryptUtil.bcryptHash(TestUsers.PASSWORD, BCRYPT_COST) + "\n",
                    StandardCharsets.UTF_8);
            registry = RegistryProcess.start(work.resolve("b").resolve("registry"),
                    RegistryProcess.Config.builder().htpasswd(htpasswd).build(), FreePort.next());
        } else {
            registry = GuardedRegistry.start(work.resolve("t"), false, true, FreePort.next());
        }
        dockerd.login(registry.host(), user, TestUsers.PASSWORD).orThrow();
        return registry;
    }

    void rmi(List<String> refs) {
        List<String> args = new ArrayList<>(List.of("rmi"));
        args.addAll(refs);
        dockerd.docker(args.toArray(String[]::new)).orThrow();
    }

    /** CPU seconds so far per process group; the registry's by its config file, the daemons' by their work dir. */
    Map<String, Double> cpu(RegistryProcess registry) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("service", ProcessCpu.self());
        cpu.put("mariadb", ProcessCpu.naming(MariaDbTestResource.server().dataDir().toString()));
        cpu.put("registry", ProcessCpu.naming(registry.configFile().toString()));
        cpu.put("dockerd", ProcessCpu.naming(dockerd.workDir().toString()));
        cpu.put("cli", ProcessCpu.reapedChildren());
        return cpu;
    }

    static String cpuColumns(Round round) {
        StringBuilder s = new StringBuilder();
        round.cpu().values().forEach(v -> s.append(String.format(Locale.ROOT, " %7.2f", v)));
        return s.append(String.format(Locale.ROOT, " %7.2f", round.cpuTotal())).toString();
    }

    void print(List<Kind> sides, Map<Kind, List<Round>> rounds, List<String> lines, String loadAtStart) {
        System.out.printf(Locale.ROOT, "%nbench docker CLI: %s %s, %d images of %d layers (%s bytes) per round, %d rounds,"
                + " htpasswd bcrypt cost %d, durable commits %s, load average at start %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), IMAGES, LAYERS.length,
                Arrays.toString(LAYERS), ROUNDS, BCRYPT_COST, Boolean.getBoolean("bench.durable"), loadAtStart);
        sides.forEach(side -> System.out.println("bench side " + side + ": " + side.description));
        System.out.printf(Locale.ROOT, "%-7s %s %7s %7s %6s %7s %7s %7s %7s %7s %7s%n", "round", " ", "push s", "pull s",
                "lag s", "cpu svc", "mariadb", "reg", "dockerd", "cli", "total");
        lines.forEach(System.out::println);
        Map<Kind, double[]> medians = new LinkedHashMap<>(); // push, pull, cpu total, service + mariadb
        rounds.forEach((side, list) -> medians.put(side, new double[] {
            median(list.stream().mapToDouble(Round::push)),
            median(list.stream().mapToDouble(Round::pull)),
            median(list.stream().mapToDouble(Round::cpuTotal)),
            median(list.stream().mapToDouble(r -> r.cpu().get("service") + r.cpu().get("mariadb")))}));
        medians.forEach((side, m) -> System.out.printf(Locale.ROOT,
                "median %s push %.2f s, pull %.2f s, push+pull %.2f s; cpu %.2f s (service + mariadb %.2f s)%n",
                side, m[0], m[1], m[0] + m[1], m[2], m[3]));
        double[] b = medians.get(Kind.B);
        if (b != null) {
            medians.forEach((side, m) -> {
                if (side != Kind.B) {
                    System.out.printf(Locale.ROOT, "ratio %s/B push %.2f, pull %.2f, push+pull %.2f (goal <= 1.05), "
                            + "cpu %.2f%n", side, m[0] / b[0], m[1] / b[1], (m[0] + m[1]) / (b[0] + b[1]), m[2] / b[2]);
                }
            });
        }
        System.out.println("bench load average at end " + loadAverage());
    }

    interface Count {
        long get() throws Exception;
    }

    interface Until {
        boolean test(long value);
    }

    static long await(Count count, Until until) throws Exception {
        long deadline = System.nanoTime() + SINK_WAIT.toNanos();
        long value;
        while (!until.test(value = count.get()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return value;
    }

    /** Until the count stays the same for a second (the registry's notification backoff is 1 s). */
    static void awaitQuiet(Count count) throws Exception {
        long deadline = System.nanoTime() + SINK_WAIT.toNanos();
        long last = -1;
        long now;
        while ((now = count.get()) != last && System.nanoTime() < deadline) {
            last = now;
            Thread.sleep(1000);
        }
    }

    long countEvents(String prefix, String action) throws Exception {
        return count("SELECT COUNT(*) FROM registry_events WHERE repository LIKE ?"
                + (action == null ? "" : " AND action = '" + action + "'"), prefix);
    }

    long pendingDetails(String prefix) throws Exception {
        return count("SELECT COUNT(*) FROM manifests WHERE repository LIKE ? AND fetched_at IS NULL", prefix);
    }

    long count(String sql, String prefix) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, prefix.replace("_", "\\_") + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
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

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
