package dev.portcullis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Start time and memory of the packaged application: {@code java -jar
 * target/quarkus-app/quarkus-run.jar} against a throwaway MariaDB, as an operator runs it (settings from
 * {@code PORTCULLIS_*} / {@code QUARKUS_*} environment variables, random ports, data dir under target/). For each
 * JVM and each set of JVM flags: the time from process start to {@code /q/health/ready} answering UP on the
 * management port (polled every 20 ms), over several restarts; then, on the last start, the resident set
 * ({@code VmRSS} in /proc/&lt;pid&gt;/status) once ready and after a load of token requests and events.
 * The very first start (schema migration, key generation, admin bootstrap) is timed apart: a restart is what
 * a rollout or a crash costs. Build first ({@code ./mvnw package -DskipTests}); run with {@code bench/startup.sh}.
 */
class StartupBench {

    static final int STARTS = Integer.getInteger("bench.starts", 5);
    static final int TOKENS = Integer.getInteger("bench.tokens", 5000);
    static final int EVENTS = Integer.getInteger("bench.events", 5000);
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 16);
    /** Diagnosis: native memory tracking on every start, and its summary after the load in target/startup-bench. */
    static final boolean NMT = Boolean.getBoolean("bench.nmt");
    static final Duration POLL = Duration.ofMillis(20);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "bench-admin-password";
    static final String EVENTS_TOKEN = "bench-events-token";
    static final String USER = "bencher";
    static final String USER_PASSWORD = "bench-user-password";
    static final String SECRET_KEY = Base64.getEncoder().encodeToString(randomBytes());

    /**
     * Flag sets by name; override with {@code -Dbench.flags="name=flags;name=flags"}. Default: none at all; what
     * the base image's run-java.sh gives the JVM on its own; what it gives it with the ENV lines of
     * src/main/docker/Dockerfile.jvm (the flags we ship). Both in a container as large as the manifests' memory limit.
     */
    static String defaultFlags() throws IOException {
        String maxRam = maxRam(Path.of("src/main/resources/application.properties"));
        return "none=;run-java=" + String.join(" ", runJavaOptions(Map.of(), maxRam))
                + ";dockerfile=" + String.join(" ", runJavaOptions(dockerfileEnv(Path.of("src/main/docker/Dockerfile.jvm")), maxRam));
    }

    /**
     * The options the base image's run-java.sh passes to the JVM given these environment variables (rh-openjdk
     * ubi9 jvm module, {@code java-default-options}), with {@code -XX:MaxRAM} standing in for the container's
     * memory limit. From JAVA_OPTS_APPEND only the JVM options count: its {@code -D} settings are the app's.
     */
    static List<String> runJavaOptions(Map<String, String> env, String maxRam) {
        List<String> options = new ArrayList<>(List.of("-XX:MaxRAM=" + maxRam));
        if (env.containsKey("JAVA_OPTS")) { // replaces every generated option, and JAVA_OPTS_APPEND is ignored
            options.addAll(words(env.get("JAVA_OPTS")));
            return options;
        }
        String ratio = env.getOrDefault("JAVA_MAX_MEM_RATIO", "80");
        if (!ratio.equals("0")) {
            options.add("-XX:MaxRAMPercentage=" + (int) Double.parseDouble(ratio) + ".0");
        }
        options.addAll(words(env.getOrDefault("GC_CONTAINER_OPTIONS", "-XX:+UseParallelGC")));
        options.add("-XX:MinHeapFreeRatio=" + env.getOrDefault("GC_MIN_HEAP_FREE_RATIO", "10"));
        options.add("-XX:MaxHeapFreeRatio=" + env.getOrDefault("GC_MAX_HEAP_FREE_RATIO", "20"));
        options.add("-XX:GCTimeRatio=" + env.getOrDefault("GC_TIME_RATIO", "4"));
        options.add("-XX:AdaptiveSizePolicyWeight=" + env.getOrDefault("GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "90"));
        if (env.containsKey("GC_MAX_METASPACE_SIZE")) {
            options.add("-XX:MaxMetaspaceSize=" + env.get("GC_MAX_METASPACE_SIZE") + "m");
        }
        if (env.containsKey("GC_METASPACE_SIZE")) {
            options.add("-XX:MetaspaceSize=" + env.get("GC_METASPACE_SIZE") + "m");
        }
        options.add("-XX:+ExitOnOutOfMemoryError");
        words(env.getOrDefault("JAVA_OPTS_APPEND", "")).stream().filter(w -> w.startsWith("-X")).forEach(options::add);
        return options;
    }

    static final Pattern ENV_LINE = Pattern.compile("^ENV\\s+([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|(\\S*))\\s*$");

    /** The {@code ENV NAME=value} lines of a Dockerfile (one variable per line, as ours writes them). */
    static Map<String, String> dockerfileEnv(Path dockerfile) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dockerfile)) {
            Matcher m = ENV_LINE.matcher(line.trim());
            if (m.matches()) {
                env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
            }
        }
        return env;
    }

    /** The manifests' memory limit ({@code quarkus.kubernetes.resources.limits.memory}, e.g. 768Mi) as -XX:MaxRAM. */
    static String maxRam(Path applicationProperties) throws IOException {
        for (String line : Files.readAllLines(applicationProperties)) {
            if (line.startsWith("quarkus.kubernetes.resources.limits.memory=")) {
                String limit = line.substring(line.indexOf('=') + 1).trim();
                return limit.replace("Mi", "m").replace("Gi", "g");
            }
        }
        throw new IllegalStateException("no quarkus.kubernetes.resources.limits.memory in " + applicationProperties);
    }

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    /** {@code flags}: JVM options, and {@code NAME=value} words, which go to the environment (e.g. MALLOC_ARENA_MAX=2). */
    record Variant(String javaHome, String name, List<String> flags) {
        String java() {
            return Path.of(javaHome, "bin", "java").toString();
        }

        List<String> jvmOptions() {
            return flags.stream().filter(f -> !ENV_WORD.matcher(f).matches()).toList();
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            flags.stream().filter(f -> ENV_WORD.matcher(f).matches())
                    .forEach(f -> env.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1)));
            return env;
        }
    }

    static final Pattern ENV_WORD = Pattern.compile("[A-Z_][A-Z0-9_]*=.*");

    record Started(Process process, double seconds, Double quarkusSeconds, int httpPort, int managementPort, Path log) {
    }

    record Figures(Variant variant, String jvm, double[] starts, double[] quarkus, long rssReady, long rssLoaded,
            long hwm, double heapCommitted, double loadSeconds, long tokens, long events, long errors) {
    }

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(4)).build();

    Path jar;
    Path work;
    MariaDbServer db;

    @Test
    void startTimeAndMemory() throws Exception {
        String loadAtStart = loadAverage();
        jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: build it with ./mvnw package -DskipTests");
        work = Path.of("target", "startup-bench").toAbsolutePath();
        deleteTree(work); // a fresh data dir: the first start generates the keys, as on a new installation
        Files.createDirectories(work);
        List<Variant> variants = variants();
        List<Figures> figures = new ArrayList<>();
        double first;
        try (MariaDbServer server = MariaDbServer.start()) {
            db = server;
            Variant prepare = new Variant(variants.get(0).javaHome(), "none", List.of());
            Started s = start(prepare, "first");
            first = s.seconds();
            createUser(s);
            stop(s);
            for (Variant v : variants) {
                figures.add(measure(v));
            }
        }

        System.out.printf(Locale.ROOT, "%nbench startup: %s, %d starts per variant, load %d token requests + %d events "
                + "(%d connections), %d cores, load average at start %s, at end %s%n", Path.of("").toAbsolutePath()
                .relativize(jar), STARTS, TOKENS, EVENTS, CONNECTIONS, Runtime.getRuntime().availableProcessors(),
                loadAtStart, loadAverage());
        System.out.printf(Locale.ROOT, "first start (empty schema: migration, key generation, admin): %.2f s%n", first);
        for (Figures f : figures) {
            System.out.printf(Locale.ROOT, "jvm %s, flags %s: %s%n", f.jvm(), f.variant().name(),
                    f.variant().flags().isEmpty() ? "(none)" : String.join(" ", f.variant().flags()));
        }
        System.out.printf(Locale.ROOT, "%-8s %-12s %-36s %7s %9s %9s %9s %9s %9s %7s %7s%n", "start", "flags", "to ready s",
                "median", "quarkus s", "RSS idle", "RSS load", "RSS peak", "heap MB", "load s", "errors");
        for (Figures f : figures) {
            StringBuilder each = new StringBuilder();
            for (double d : f.starts()) {
                each.append(String.format(Locale.ROOT, "%.2f ", d));
            }
            System.out.printf(Locale.ROOT, "start %-2s %-12s %-36s %7.2f %9.2f %9d %9d %9d %9.0f %7.1f %7d%n", f.jvm(),
                    f.variant().name(), each.toString().trim(), median(f.starts()), median(f.quarkus()),
                    f.rssReady(), f.rssLoaded(), f.hwm(), f.heapCommitted(), f.loadSeconds(), f.errors());
        }
        System.out.println("goals: median start to ready <= 3 s; RSS after the load <= 300 MB (RSS in MB, "
                + "from VmRSS/VmHWM; heap MB = committed heap from /q/metrics after the load; load s = wall time of the load)");
        for (Figures f : figures) {
            assertEquals(0, f.errors(), "every request of the load answered as expected");
        }
    }

    /** {@code bench.jvms}: comma-separated JAVA_HOMEs (default: this JVM) × {@code bench.flags}. */
    static List<Variant> variants() throws IOException {
        String jvms = System.getProperty("bench.jvms", "");
        List<String> homes = new ArrayList<>();
        for (String home : jvms.split(",")) {
            if (!home.isBlank()) {
                homes.add(home.trim());
            }
        }
        if (homes.isEmpty()) {
            homes.add(System.getProperty("java.home"));
        }
        Map<String, List<String>> flagSets = new LinkedHashMap<>();
        for (String set : System.getProperty("bench.flags", defaultFlags()).split(";")) {
            int eq = set.indexOf('=');
            String name = (eq < 0 ? set : set.substring(0, eq)).trim();
            String flags = eq < 0 ? "" : set.substring(eq + 1).trim();
            flagSets.put(name, flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+")));
        }
        List<Variant> variants = new ArrayList<>();
        for (String home : homes) {
            flagSets.forEach((name, flags) -> variants.add(new Variant(home, name, flags)));
        }
        return variants;
    }

    Figures measure(Variant v) throws Exception {
        double[] starts = new double[STARTS];
        double[] quarkus = new double[STARTS];
        String jvm = javaVersion(v);
        long rssReady = 0;
        long rssLoaded = 0;
        long hwm = 0;
        double heap = 0;
        long[] load = {0, 0, 0};
        double loadSeconds = 0;
        for (int i = 0; i < STARTS; i++) {
            Started s = start(v, v.name() + "-" + jvm + "-" + (i + 1));
            starts[i] = s.seconds();
            quarkus[i] = s.quarkusSeconds() == null ? Double.NaN : s.quarkusSeconds();
            if (i == STARTS - 1) {
                Thread.sleep(1000); // let the start's own allocation settle before reading the idle RSS
                rssReady = status(s.process(), "VmRSS");
                long loadStart = System.nanoTime();
                load = load(s);
                loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                Thread.sleep(1000);
                rssLoaded = status(s.process(), "VmRSS");
                hwm = status(s.process(), "VmHWM");
                heap = heapCommitted(s);
                if (NMT) {
                    nativeMemorySummary(v, s);
                }
            }
            stop(s);
        }
        return new Figures(v, jvm, starts, quarkus, rssReady, rssLoaded, hwm, heap, loadSeconds, load[0], load[1],
                load[2]);
    }

    Started start(Variant v, String label) throws Exception {
        int httpPort = FreePort.next();
        int managementPort = FreePort.next();
        Path log = work.resolve(label + ".log");
        List<String> command = new ArrayList<>();
        command.add(v.java());
        command.addAll(v.jvmOptions());
        if (NMT) {
            command.add("-XX:NativeMemoryTracking=summary");
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", db.username());
        env.put("PORTCULLIS_DATA_DIR", work.resolve("data").toString());
        env.put("PORTCULLIS_REGISTRY_SERVICE", "registry.bench");
        env.put("PORTCULLIS_TOKEN_ISSUER", "portcullis.bench");
        env.put("PORTCULLIS_EVENTS_TOKEN", EVENTS_TOKEN);
        env.put("PORTCULLIS_ADMIN_USERNAME", ADMIN);
        env.put("PORTCULLIS_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // From Secrets, as the manifests set them (else the service generates or logs a temporary one).
        env.put("PORTCULLIS_TOKENS_HASH_KEY", SECRET_KEY);
        env.put("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY", SECRET_KEY);
        env.putAll(v.environment());

        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long begin = System.nanoTime();
        Process process = pb.start();
        long deadline = begin + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue()
                        + " before it was ready; log: " + log + "\n" + tail(log));
            }
            try {
                HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    break;
                }
            } catch (ConnectException | HttpTimeoutException e) {
                // not listening yet
            } catch (IOException e) {
                // connection reset while the server comes up
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("not ready within " + READY_TIMEOUT.toSeconds() + " s; log: " + log
                        + "\n" + tail(log));
            }
            Thread.sleep(POLL.toMillis());
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Started(process, seconds, quarkusStartedIn(log), httpPort, managementPort, log);
    }

    static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");

    /** Quarkus's own figure (from main() on), to tell the JVM's share from the application's. */
    static Double quarkusStartedIn(Path log) throws IOException {
        // The line may follow the readiness answer by a few milliseconds.
        for (int i = 0; i < 50; i++) {
            Matcher m = STARTED_IN.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    static void stop(Started s) throws InterruptedException {
        s.process().destroy(); // SIGTERM: Quarkus shuts down gracefully
        if (!s.process().waitFor(30, TimeUnit.SECONDS)) {
            s.process().destroyForcibly();
            s.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A user with a password, through the admin API, once (the database keeps it for the later starts). */
    void createUser(Started s) throws Exception {
        String body = "{\"username\":\"" + USER + "\",\"password\":\"" + USER_PASSWORD + "\",\"email\":\"" + USER
                + "@example.com\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/api/v1/users"))
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(201, status, "the bench user is created");
    }

    /**
     * The load: {@link #TOKENS} token requests (password, a new repository each) and {@link #EVENTS} events in
     * envelopes of 10, from {@link #CONNECTIONS} threads. Returns {tokens, events, errors}.
     */
    long[] load(Started s) throws Exception {
        String base = "http://127.0.0.1:" + s.httpPort();
        String password = basic(USER, USER_PASSWORD);
        String run = Long.toString(System.nanoTime(), 36);
        AtomicLong tokens = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long envelopes = EVENTS / 10;
        long total = TOKENS + envelopes;
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                running.add(pool.submit(() -> {
                    long n;
                    while ((n = next.getAndIncrement()) < total) {
                        HttpRequest request;
                        // Envelopes spread evenly among the token requests (exactly `envelopes` of them).
                        if (n * envelopes / total != (n + 1) * envelopes / total) {
                            StringBuilder envelope = new StringBuilder("{\"events\":[");
                            for (int i = 0; i < 10; i++) {
                                envelope.append(i > 0 ? "," : "").append(EventsThroughputBench.event(run + "-" + n + "-" + i, n * 10 + i));
                            }
                            request = HttpRequest.newBuilder(URI.create(base + "/v2/webhooks/events"))
                                    .header("Authorization", "Bearer " + EVENTS_TOKEN)
                                    .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                                    .POST(HttpRequest.BodyPublishers.ofString(envelope.append("]}").toString())).build();
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                                events.addAndGet(10);
                            } else {
                                errors.incrementAndGet();
                            }
                        } else {
                            request = HttpRequest.newBuilder(URI.create(base + "/v2/token?service=registry.bench&scope=repository:"
                                    + USER + "/r" + n + ":pull,push")).header("Authorization", password).GET().build();
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                                tokens.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new long[] {tokens.get(), events.get(), errors.get()};
    }

    static final Pattern HEAP_COMMITTED = Pattern.compile("^jvm_memory_committed_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+]+)",
            Pattern.MULTILINE);

    /** Committed heap in MB, summed over the pools, from the Prometheus endpoint. */
    double heapCommitted(Started s) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.managementPort() + "/q/metrics"))
                .GET().build();
        Matcher m = HEAP_COMMITTED.matcher(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        double bytes = 0;
        while (m.find()) {
            bytes += Double.parseDouble(m.group(1));
        }
        return bytes / (1024 * 1024);
    }

    /** {@code jcmd <pid> VM.native_memory summary} of the same JVM into target/startup-bench/nmt-*.txt. */
    void nativeMemorySummary(Variant v, Started s) throws Exception {
        Path out = work.resolve("nmt-" + v.name() + "-" + javaVersion(v) + ".txt");
        Process jcmd = new ProcessBuilder(Path.of(v.javaHome(), "bin", "jcmd").toString(), Long.toString(s.process().pid()),
                "VM.native_memory", "summary", "scale=MB").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        jcmd.waitFor(60, TimeUnit.SECONDS);
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("Total:") || line.matches("^-\\s+\\S.*\\(reserved=.*")) {
                System.out.println("nmt " + v.name() + " " + javaVersion(v) + " " + line.replaceAll("\\s+", " ").trim());
            }
        }
    }

    /** A /proc/&lt;pid&gt;/status value in MB (the kernel writes kB). */
    static long status(Process p, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + p.pid() + "/status");
    }

    /** The feature release of the JVM at {@code javaHome} (from its release file), e.g. "17" or "25". */
    static String javaVersion(Variant v) throws IOException {
        Path release = Path.of(v.javaHome(), "release");
        if (Files.isRegularFile(release)) {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return version.split("[.]")[0];
                }
            }
        }
        return Path.of(v.javaHome()).getFileName().toString();
    }

    static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
