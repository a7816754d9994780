package dev.portcullis.testsupport.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DebianImages;
import dev.portcullis.testsupport.DockerDaemon;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's probes, on a pod spec of its own (two replicas of a tiny Java server, {@code kubelet/ProbeServer.java},
 * on the JRE image the stack tests make, so no Portcullis build and no database): a Service routes only to the pods
 * whose readiness probe passes, from inside a pod by the Service's name and from the host alike, and again to a pod
 * that is ready again; a liveness probe failing {@code failureThreshold} times restarts that container once, keeping
 * the pod's emptyDir. Everything asserted is a count; the waits are polls with generous bounds.
 */
class KubeletProbesIT {

    private static final String WORKLOAD = "deployment/probe";
    private static final int LIVENESS_FAILURES = 3;
    private static final int REQUESTS = 20;
    private static final Duration BOUND = Duration.ofMinutes(3);

    static Path work;
    static DockerDaemon docker;
    static Kubelet kubelet;

    @BeforeAll
    static void start() throws IOException {
        work = Files.createDirectories(Path.of("target/kubelet-probes-" + UUID.randomUUID().toString().substring(0, 6))
                .toAbsolutePath());
        docker = DockerDaemon.start(work.resolve("docker"), Map.of(), DockerDaemon.fastestStorageDriver(work));
        String jre = DebianImages.load(docker, DebianImages.JRE);
        kubelet = new Kubelet(docker, Map.of("example.org/probe-server", jre), jre, work.resolve("kubelet"), Map.of());
        kubelet.apply(new Manifests(manifests()));
        kubelet.awaitReady(BOUND);
    }

    @AfterAll
    static void stop() {
        if (kubelet != null) {
            kubelet.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void aServiceRoutesOnlyToReadyPods() {
        kubelet.awaitReady(BOUND);
        List<String> pods = List.copyOf(kubelet.readiness(WORKLOAD).keySet());
        assertEquals(2, pods.size(), "the Deployment's two replicas");
        String ready = pods.get(0);
        String unready = pods.get(1);
        Map<String, Integer> restarts = kubelet.restarts(WORKLOAD);
        // Round robin over both ready pods: every other connection to each.
        assertEquals(Map.of(ready, REQUESTS / 2, unready, REQUESTS / 2), answers(viaName(unready, REQUESTS)));

        kubelet.exec(unready, "web", "touch", "/tmp/unready").orThrow();
        try {
            await(() -> Map.of(ready, true, unready, false).equals(kubelet.readiness(WORKLOAD)),
                    "readiness of " + unready + " to fail");
            // By the Service's name from inside the unready pod itself, and through the Service's host port
            // (nginx's way in): only the ready pod answers, though the unready one still serves on its own port.
            assertEquals(Map.of(ready, REQUESTS), answers(viaName(unready, REQUESTS)));
            assertEquals(Map.of(ready, REQUESTS), answers(viaHost(REQUESTS)));
            assertEquals(Map.of(unready, 1), answers(direct(unready)));
        } finally {
            // Ready again whatever failed above, so the other test finds both pods ready.
            kubelet.exec(unready, "web", "rm", "-f", "/tmp/unready").orThrow();
        }
        await(() -> Map.of(ready, true, unready, true).equals(kubelet.readiness(WORKLOAD)), unready + " ready again");
        assertEquals(Map.of(ready, REQUESTS / 2, unready, REQUESTS / 2), answers(viaName(ready, REQUESTS)));
        assertEquals(restarts, kubelet.restarts(WORKLOAD), "a failing readiness probe restarts nothing");
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainer() {
        kubelet.awaitReady(BOUND);
        List<String> pods = List.copyOf(kubelet.readiness(WORKLOAD).keySet());
        String healthy = pods.get(0);
        String wedged = pods.get(1);
        Map<String, Integer> before = kubelet.restarts(WORKLOAD);
        int boots = boots(wedged);
        int failures = livenessFailures(wedged);

        kubelet.exec(wedged, "web", "touch", "/tmp/break").orThrow();
        await(() -> kubelet.restarts(WORKLOAD).get(wedged) > before.get(wedged)
                && Boolean.TRUE.equals(kubelet.readiness(WORKLOAD).get(wedged)), wedged + " restarted and ready");

        assertEquals(Map.of(healthy, before.get(healthy), wedged, before.get(wedged) + 1), kubelet.restarts(WORKLOAD),
                "one restart, of the container whose liveness failed");
        assertEquals(failures + LIVENESS_FAILURES, livenessFailures(wedged),
                "restarted after failureThreshold failures in a row, not before, and the new process passes");
        // A new process (it counted one more start) on the same emptyDir, back behind the Service.
        assertEquals(boots + 1, boots(wedged));
        assertEquals(Map.of(healthy, REQUESTS / 2, wedged, REQUESTS / 2), answers(viaName(healthy, REQUESTS)));
    }

    /** A Deployment of two replicas with startup, readiness and liveness probes, its Service and its code. */
    private static List<HasMetadata> manifests() throws IOException {
        String source;
        try (InputStream in = KubeletProbesIT.class.getResourceAsStream("/kubelet/ProbeServer.java")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> labels = Map.of("app", "probe");
        return List.of(
                new ConfigMapBuilder().withNewMetadata().withName("probe-server").endMetadata()
                        .addToData("ProbeServer.java", source).build(),
                new ServiceBuilder().withNewMetadata().withName("probe").endMetadata().withNewSpec()
                        .withSelector(labels).addNewPort().withName("http").withPort(80)
                        .withTargetPort(new IntOrString("http")).endPort().endSpec().build(),
                new DeploymentBuilder().withNewMetadata().withName("probe").endMetadata().withNewSpec()
                        .withReplicas(2).withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec()
                        .withTerminationGracePeriodSeconds(5L)
                        .withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(1000L).withRunAsNonRoot(true)
                        .endSecurityContext()
                        .addNewContainer().withName("web").withImage("example.org/probe-server:1")
                        .withCommand("java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                "/app/ProbeServer.java")
                        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                        .addNewPort().withName("http").withContainerPort(8080).endPort()
                        .withStartupProbe(probe("/alive", 300))
                        .withReadinessProbe(probe("/ready", 1))
                        .withLivenessProbe(probe("/alive", LIVENESS_FAILURES))
                        .withNewSecurityContext().withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false).endSecurityContext()
                        .addNewVolumeMount().withName("app").withMountPath("/app").withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .endContainer()
                        .addNewVolume().withName("app").withNewConfigMap().withName("probe-server").endConfigMap()
                        .endVolume()
                        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec().endTemplate().endSpec().build());
    }

    /** Every second; a generous timeout, so a loaded machine's slow answer is not a failure. */
    private static Probe probe(String path, int failureThreshold) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(1).withTimeoutSeconds(10).withFailureThreshold(failureThreshold).build();
    }

    /** {@code n} connections, one after the other, to the Service by its name from inside {@code pod}. */
    private static String viaName(String pod, int n) {
        return kubelet.exec(pod, "web", "bash", "-c", "for i in $(seq " + n + "); do exec 3<>/dev/tcp/probe/80 || exit 1;"
                + " printf 'GET / HTTP/1.0\\r\\nHost: probe\\r\\n\\r\\n' >&3; tail -n 1 <&3; exec 3<&-; done")
                .orThrow().output();
    }

    /** {@code n} connections to the Service's port on the host, one after the other. */
    private static String viaHost(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            try (Socket socket = new Socket("127.0.0.1", kubelet.hostPort("probe", 80))) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: probe\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                out.append(response.substring(response.indexOf("\r\n\r\n") + 4));
            } catch (IOException e) {
                out.append("failed: ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    /** One request to the pod's own port, from inside it (what no Service decides). */
    private static String direct(String pod) {
        return kubelet.exec(pod, "web", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 || exit 1;"
                + " printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; tail -n 1 <&3").orThrow().output();
    }

    /** How many times the pod's container has started, as it says itself. */
    private static int boots(String pod) {
        String[] answer = direct(pod).strip().split(" ");
        assertEquals(pod, answer[0]);
        return Integer.parseInt(answer[1]);
    }

    private static int livenessFailures(String pod) {
        CliResult lines = kubelet.exec(pod, "web", "bash", "-c", "cat /tmp/liveness-failures 2>/dev/null | wc -l");
        return Integer.parseInt(lines.orThrow().output().strip());
    }

    /** Answers by pod name (each answer is one line: the pod's name and its start count). */
    private static Map<String, Integer> answers(String lines) {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                out.merge(line.strip().split(" ")[0], 1, Integer::sum);
            }
        }
        return out;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited " + BOUND + " for " + what + ": readiness "
                    + kubelet.readiness(WORKLOAD) + ", restarts " + kubelet.restarts(WORKLOAD));
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
