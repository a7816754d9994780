package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.PortcullisImage;
import dev.portcullis.testsupport.kubelet.ContainerEnv;
import dev.portcullis.testsupport.kubelet.Manifests;
import dev.portcullis.testsupport.kubelet.PodVolumes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Portcullis image, built with {@code docker build} from {@code src/main/docker/Dockerfile.jvm} on a JRE base
 * made from Debian packages, run under a test dockerd as the chart's Deployment runs it: its environment (the
 * ConfigMap and the generated Secrets), a read-only root filesystem, user 185 with the pod's fsGroup, the
 * container's memory limit, {@code /tmp} an emptyDir and the signing key and certificate mounted from the Secret
 * with the chart's mode. Only the network differs: the container shares the host's (the test dockerd has no
 * bridge), so the database is a MariaDB of the test's on a free port and the two ports are free ones.
 *
 * <p>Then the kubelet's stop: SIGTERM, readiness DOWN while the process still serves, a delivery accepted in that
 * window committed (or refused with 503, which the registry retries), and an exit within the grace period without
 * SIGKILL; a new container on the same Secret signs with the same key.
 */
class ImageBootIT {

    /** terminationGracePeriodSeconds: the chart leaves Kubernetes' default. */
    static final int GRACE_SECONDS = 30;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Path work;
    static DockerDaemon docker;
    static MariaDbServer database;
    static String image;
    static Manifests manifests;
    static Container container;
    static PodSpec pod;
    static int httpPort;
    static int managementPort;

    @BeforeAll
    static void buildImage() throws Exception {
        work = Files.createDirectories(Path.of("target/image-boot-" + UUID.randomUUID().toString().substring(0, 6))
                .toAbsolutePath());
        docker = DockerDaemon.start(work.resolve("docker"), Map.of(), DockerDaemon.fastestStorageDriver(work));
        image = PortcullisImage.build(docker);
        // One render for both: the Secrets the pod reads are the ones it was rendered with.
        Chart.Rendered rendered = Chart.render(List.of(), Map.of());
        manifests = new Manifests(rendered.resources());
        pod = rendered.portcullis().getSpec().getTemplate().getSpec();
        container = pod.getContainers().get(0);
        database = MariaDbServer.start();
        Map<String, byte[]> db = manifests.secret("portcullis-database");
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            String user = new String(db.get("username"), StandardCharsets.UTF_8);
            String password = new String(db.get("password"), StandardCharsets.UTF_8);
            for (String host : List.of("127.0.0.1", "localhost")) {
                s.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                s.execute("GRANT ALL ON portcullis.* TO '" + user + "'@'" + host + "'");
            }
        }
        httpPort = FreePort.next();
        managementPort = FreePort.next();
    }

    @AfterAll
    static void stop() {
        if (docker != null) {
            docker.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void theImageRunsAsTheChartSaysStopsGracefullyAndKeepsItsKey() throws Exception {
        PodVolumes volumes = PodVolumes.make(pod, manifests, work.resolve("pod"), Map.of());
        run("portcullis-1", volumes);
        long readyMillis = awaitReady("portcullis-1");

        // As the chart says: user 185 (group 185 and the fsGroup), a read-only root, the memory limit.
        assertEquals("uid=185 gid=185 groups=185", exec("portcullis-1", "id").strip().replaceAll("\\(\\w+\\)", ""));
        assertTrue(inspect("portcullis-1", "{{.HostConfig.ReadonlyRootfs}}").equals("true"));
        CliResult write = docker.docker("exec", "portcullis-1", "touch", "/deployments/written");
        assertFalse(write.ok(), "the root filesystem is read-only");
        assertTrue(write.text().contains("Read-only file system"), write::text);
        long limit = new Quantity(container.getResources().getLimits().get("memory").toString()).getNumericalAmount()
                .longValueExact();
        assertEquals(String.valueOf(limit), inspect("portcullis-1", "{{.HostConfig.Memory}}"));
        assertEquals(String.valueOf(limit), exec("portcullis-1", "sh", "-c",
                "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes").strip(),
                "the limit the JVM sizes its heap from (cgroup v2 or v1)");
        String memory = docker.docker("stats", "--no-stream", "--format", "{{.MemUsage}}", "portcullis-1")
                .orThrow().output().strip();

        // The signing key is the mounted one: the certificate Portcullis publishes is the Secret's tls.crt.
        String mountedCertificate = new String(manifests.secret("portcullis-token-signing").get("tls.crt"),
                StandardCharsets.UTF_8);
        assertEquals(der(mountedCertificate), der(get(httpPort, "/api/v1/token/certificate").body()));
        String admin = new String(manifests.secret("portcullis-secrets").get("admin-password"), StandardCharsets.UTF_8);
        String kid = kid(admin);

        // SIGTERM: readiness DOWN first while the process still serves; a delivery then is committed or refused.
        String secret = new String(manifests.secret("portcullis-secrets").get("events-token"), StandardCharsets.UTF_8);
        assertEquals(200, deliver(secret, "before-" + UUID.randomUUID()).statusCode());
        docker.docker("kill", "--signal", "TERM", "portcullis-1").orThrow();
        long signalled = System.nanoTime();
        int readiness = 200;
        for (int i = 0; i < 200 && readiness == 200; i++) {
            readiness = get(managementPort, "/q/health/ready").statusCode();
            Thread.sleep(20);
        }
        assertEquals(503, readiness, "readiness turns DOWN after SIGTERM");
        String during = "during-" + UUID.randomUUID();
        int answer = deliver(secret, during).statusCode();
        assertTrue(answer == 200 || answer == 503, "accepted and committed, or refused for the registry to retry: " + answer);
        // The kubelet's rest of the grace period, then SIGKILL (exit 137): the process must be gone before.
        int left = GRACE_SECONDS - (int) Duration.ofNanos(System.nanoTime() - signalled).toSeconds();
        docker.docker("stop", "--time", String.valueOf(left), "portcullis-1").orThrow();
        String exit = inspect("portcullis-1", "{{.State.ExitCode}}");
        assertNotEquals("137", exit, "killed at the end of the grace period\n" + logs("portcullis-1"));
        assertEquals(answer == 200 ? 1 : 0, stored(during), "a 2xx only after the commit");

        String startedLine = logs("portcullis-1").lines().filter(l -> l.contains("started in")).findFirst().orElse("");
        // A restart on the same Secret: the same key (kid) and the same admin.
        docker.docker("rm", "portcullis-1").orThrow();
        run("portcullis-2", PodVolumes.make(pod, manifests, work.resolve("pod-2"), Map.of()));
        long secondReadyMillis = awaitReady("portcullis-2");
        assertEquals(kid, kid(admin), "the restarted container signs with the same key");

        System.out.printf("ImageBootIT: docker run to ready %d ms (second %d ms), memory after start %s of %d; %s%n",
                readyMillis, secondReadyMillis, memory, limit, startedLine.replaceAll(".*(started in [^ ]+).*", "$1"));
    }

    /** {@code docker run} with what the pod spec says, on the host's network with the test's ports. */
    static void run(String name, PodVolumes volumes) {
        Map<String, String> env = new LinkedHashMap<>(ContainerEnv.of(container, manifests,
                Map.of("metadata.name", name, "metadata.namespace", Chart.NAMESPACE, "status.podIP", "127.0.0.1")));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:mariadb://127.0.0.1:" + database.port() + "/portcullis");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        var security = pod.getSecurityContext();
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host",
                "--user", security.getRunAsUser() + ":" + security.getRunAsGroup(),
                "--group-add", String.valueOf(security.getFsGroup()),
                "--memory", new Quantity(container.getResources().getLimits().get("memory").toString())
                        .getNumericalAmount().toBigInteger().toString()));
        if (Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
            args.add("--read-only");
        }
        args.addAll(volumes.dockerOptions(container.getVolumeMounts()));
        env.keySet().forEach(k -> args.addAll(List.of("-e", k)));
        args.add(image);
        docker.dockerWithEnv(env, args.toArray(String[]::new)).orThrow();
    }

    static long awaitReady(String name) throws Exception {
        long started = System.nanoTime();
        while (System.nanoTime() - started < READY_TIMEOUT.toNanos()) {
            assertEquals("true", inspect(name, "{{.State.Running}}"), () -> name + " exited\n" + logs(name));
            try {
                if (get(managementPort, "/q/health/ready").statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - started).toMillis();
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not ready in " + READY_TIMEOUT + "\n" + logs(name));
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The kid of a token the admin gets for a pull: which key signed it. */
    static String kid(String adminPassword) throws Exception {
        String basic = Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/v2/token?service=registry.example.com&scope=repository:admin/x:pull"))
                .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token::body);
        String jwt = token.body().replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                StandardCharsets.UTF_8);
        return header.replaceAll("(?s).*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    static HttpResponse<String> deliver(String secret, String id) throws Exception {
        String event = """
                {"events":[{"id":"%s","timestamp":"2026-12-01T10:00:00Z","action":"push",
                 "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":418,
                   "digest":"sha256:%s","length":418,"repository":"boot/app","url":"http://r/v2/boot/app/manifests/1",
                   "tag":"1"},
                 "request":{"id":"%s","addr":"127.0.0.1:1","host":"r","method":"PUT","useragent":"docker/20.10"},
                 "actor":{"name":"admin"},"source":{"addr":"r:5000","instanceID":"i1"}}]}"""
                .formatted(id, "4".repeat(64), id);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v2/webhooks/events"))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int stored(String id) throws Exception {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM registry_events WHERE event_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static String exec(String name, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(List.of(command));
        return docker.docker(args.toArray(String[]::new)).orThrow().output();
    }

    static String inspect(String name, String format) {
        return docker.docker("inspect", "--format", format, name).orThrow().output().strip();
    }

    static String logs(String name) {
        return docker.docker("logs", name).text();
    }

    static String der(String pem) {
        return pem.replaceAll("(?s)-----END CERTIFICATE-----.*", "").replaceAll("-----BEGIN CERTIFICATE-----|\\s", "");
    }
}
