package dev.portcullis.testsupport.kubelet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DockerDaemon;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs what {@code helm template} rendered the way a kubelet and kube-proxy would, under a test {@link DockerDaemon}:
 * every Deployment's and StatefulSet's pods ({@link Pod}), each Service as a relay to its ready pods, its names
 * ({@code NAME}, {@code NAME.NAMESPACE}, {@code NAME.NAMESPACE.svc}, {@code ...svc.cluster.local}) resolvable in
 * every pod, and claims (PersistentVolumeClaims, StatefulSet claim templates) as dirs that outlive pods and
 * upgrades. The chart's image references map to test images by repository.
 *
 * <p>Addresses: in a pod, a Service's names resolve to a loopback address of its own (127.0.1.N), on which the
 * pod's relay listens on the Service's ports; outside the pods (nginx, the test) each Service port is a free port of
 * the host's 127.0.0.1 ({@link #hostPort}). External hosts the values name (an S3 endpoint) are reached the same way
 * from the pods, at 127.0.2.N, relayed to a port on the host.
 */
public final class Kubelet implements AutoCloseable {

    /** The namespace the chart is rendered for. */
    public static final String NAMESPACE = "registry";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerDaemon docker;
    private final Map<String, String> images;
    private final String pauseImage;
    private final Path dir;
    private final Path sockets;
    private final Map<String, Integer> externalHosts;
    private final Map<String, ServiceRoute> services = new LinkedHashMap<>();
    private final List<Relay> relays = new CopyOnWriteArrayList<>();
    private final Map<String, List<Pod>> workloads = new LinkedHashMap<>();
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final AtomicInteger podCounter = new AtomicInteger();
    private final List<Pod.Outbound> external = new ArrayList<>();
    private final List<Pod> live = new CopyOnWriteArrayList<>();
    private volatile Manifests manifests;

    private record ServiceRoute(Service service, String address, Map<Integer, Relay> hostRelays,
            Map<Integer, Path> podSockets) {
    }

    /**
     * @param images        image repository (as the chart names it, without tag) to the test image's reference
     * @param pauseImage    an image with {@code sleep}, for the pods' pause containers
     * @param externalHosts host names the pods must reach outside the cluster, to their port on 127.0.0.1
     */
    public Kubelet(DockerDaemon docker, Map<String, String> images, String pauseImage, Path dir,
            Map<String, Integer> externalHosts) {
        this.docker = docker;
        this.images = Map.copyOf(images);
        this.pauseImage = pauseImage;
        this.dir = dir;
        this.externalHosts = Map.copyOf(externalHosts);
        try {
            Files.createDirectories(dir.resolve("claims"));
            // UNIX socket paths are limited to 107 bytes: a short dir of its own, whatever the project's path.
            this.sockets = Files.createTempDirectory("kubelet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = 1;
        for (Map.Entry<String, Integer> host : this.externalHosts.entrySet()) {
            String address = "127.0.2." + n++;
            Path socket = sockets.resolve("ext-" + host.getKey() + ".sock");
            int port = host.getValue();
            relays.add(Relay.onUnixSocket(socket, () -> new java.net.InetSocketAddress("127.0.0.1", port)));
            external.add(new Pod.Outbound(List.of(host.getKey()), address, port, socket));
        }
    }

    /** Creates the Services and starts every workload's pods (StatefulSets first, as their pods are the data). */
    public void apply(Manifests rendered) {
        services(rendered);
        for (StatefulSet set : rendered.all(StatefulSet.class)) {
            reconcile("statefulset/" + set.getMetadata().getName(), set.getMetadata().getName(),
                    set.getSpec().getTemplate(), orOne(set.getSpec().getReplicas()), set, false);
        }
        for (Deployment deployment : rendered.all(Deployment.class)) {
            boolean recreate = deployment.getSpec().getStrategy() != null
                    && "Recreate".equals(deployment.getSpec().getStrategy().getType());
            reconcile("deployment/" + deployment.getMetadata().getName(), deployment.getMetadata().getName(),
                    deployment.getSpec().getTemplate(), orOne(deployment.getSpec().getReplicas()), null, recreate);
        }
    }

    /**
     * Creates the Services of {@code rendered} (their relays, so {@link #hostPort} answers before any pod runs, as
     * an ingress is configured before its backends are ready). Services already there are kept.
     */
    public void services(Manifests rendered) {
        this.manifests = rendered;
        for (Service service : rendered.all(Service.class)) {
            services.computeIfAbsent(service.getMetadata().getName(), k -> route(service));
        }
    }

    /** Waits until every pod is ready; fails with the containers' logs when one is not in time. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pods().stream().allMatch(Pod::ready)) {
                return;
            }
            sleep(250);
        }
        StringBuilder why = new StringBuilder("pods not ready within " + timeout + ":");
        for (Pod pod : pods()) {
            if (!pod.ready()) {
                why.append("\n--- ").append(pod.name).append(" ---");
                pod.spec.getContainers().forEach(c -> why.append("\n").append(tail(pod.logs(c.getName()))));
            }
        }
        throw new AssertionError(why.toString());
    }

    /** The host port (on 127.0.0.1) that reaches {@code service}'s {@code port} through its relay. */
    public int hostPort(String service, int port) {
        ServiceRoute route = services.get(service);
        if (route == null || !route.hostRelays().containsKey(port)) {
            throw new IllegalArgumentException("no Service " + service + " with port " + port);
        }
        return route.hostRelays().get(port).port();
    }

    /** The pods of a workload ({@code deployment/NAME} or {@code statefulset/NAME}), in start order. */
    List<Pod> pods(String workload) {
        return List.copyOf(workloads.getOrDefault(workload, List.of()));
    }

    /** Names of a workload's pods and whether each is ready, for assertions. */
    public Map<String, Boolean> readiness(String workload) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        pods(workload).forEach(p -> out.put(p.name, p.ready()));
        return out;
    }

    /** Restarts of each of a workload's pods (all its containers), by pod name, for assertions. */
    public Map<String, Integer> restarts(String workload) {
        Map<String, Integer> out = new LinkedHashMap<>();
        pods(workload).forEach(p -> out.put(p.name, p.restarts()));
        return out;
    }

    /** {@code kubectl exec POD -c CONTAINER -- COMMAND}: what a test uses to act inside one pod. */
    public CliResult exec(String pod, String container, String... command) {
        return pods().stream().filter(p -> p.name.equals(pod)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + pod)).exec(container, command);
    }

    /** Restarts of all containers so far. */
    public int restarts() {
        return pods().stream().mapToInt(Pod::restarts).sum();
    }

    /** A container's log, by pod and container name. */
    public String logs(String pod, String container) {
        return pods().stream().filter(p -> p.name.equals(pod)).findFirst().map(p -> p.logs(container)).orElse("");
    }

    public Manifests manifests() {
        return manifests;
    }

    @Override
    public void close() {
        // In parallel, as a node drains: each pod gets its own grace period, not the sum of all.
        List<Thread> stops = new ArrayList<>();
        for (Pod pod : pods()) {
            Thread t = new Thread(() -> stopQuietly(pod), "stop-" + pod.name);
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        relays.forEach(Relay::close);
        try (var files = Files.list(sockets)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(sockets);
        } catch (IOException ignored) {
            // a temp dir
        }
    }

    /** Every pod started and not stopped, old and new ones of a rolling update alike (what Services route to). */
    private List<Pod> pods() {
        return List.copyOf(live);
    }

    /**
     * Makes the workload's pods match its template: unchanged, nothing; changed (a new checksum annotation, a new
     * image, new values), its pods replaced one at a time, the new one ready before the old one stops (a rolling
     * update), or all stopped first for {@code Recreate} and StatefulSets (one writer on a claim).
     */
    private void reconcile(String key, String name, PodTemplateSpec template, int replicas, StatefulSet set,
            boolean recreate) {
        String json;
        try {
            json = JSON.writeValueAsString(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Pod> old = workloads.getOrDefault(key, List.of());
        if (json.equals(templates.get(key)) && old.size() == replicas) {
            return;
        }
        templates.put(key, json);
        List<Pod> next = new ArrayList<>();
        if (recreate || set != null) {
            old.forEach(this::stopQuietly);
            for (int i = 0; i < replicas; i++) {
                next.add(startPod(name, i, template, set));
            }
        } else {
            for (int i = 0; i < replicas; i++) {
                Pod pod = startPod(name, i, template, null);
                next.add(pod);
                if (i < old.size()) {
                    awaitPod(pod, Duration.ofMinutes(5));
                    stopQuietly(old.get(i));
                }
            }
            for (int i = replicas; i < old.size(); i++) {
                stopQuietly(old.get(i));
            }
        }
        workloads.put(key, next);
    }

    private Pod startPod(String workload, int ordinal, PodTemplateSpec template, StatefulSet set) {
        String podName = set != null ? workload + "-" + ordinal
                : workload + "-" + Integer.toHexString(0x10000 + podCounter.incrementAndGet()).substring(1);
        Path podDir = dir.resolve("pods").resolve(podName + "-" + System.nanoTime());
        Map<String, Path> claims = new LinkedHashMap<>();
        for (PersistentVolumeClaim claim : manifests.all(PersistentVolumeClaim.class)) {
            claims.put(claim.getMetadata().getName(), claimDir(claim.getMetadata().getName()));
        }
        template.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .forEach(v -> claims.putIfAbsent(v.getPersistentVolumeClaim().getClaimName(),
                        claimDir(v.getPersistentVolumeClaim().getClaimName())));
        PodVolumes volumes = PodVolumes.make(template.getSpec(), manifests, podDir, claims);
        if (set != null) {
            Integer fsGroup = template.getSpec().getSecurityContext() == null ? null
                    : template.getSpec().getSecurityContext().getFsGroup() == null ? null
                    : template.getSpec().getSecurityContext().getFsGroup().intValue();
            for (PersistentVolumeClaim t : set.getSpec().getVolumeClaimTemplates()) {
                String claim = t.getMetadata().getName() + "-" + podName;
                volumes.addClaim(t.getMetadata().getName(), Map.of(claim, claimDir(claim)), claim, fsGroup);
            }
        }
        Pod pod = new Pod(podName, template.getMetadata().getLabels(), template.getSpec(), docker, manifests, images,
                podDir, sockets);
        List<Pod.Outbound> outbound = new ArrayList<>(external);
        for (ServiceRoute route : services.values()) {
            String svc = route.service().getMetadata().getName();
            List<String> names = List.of(svc, svc + "." + NAMESPACE, svc + "." + NAMESPACE + ".svc",
                    svc + "." + NAMESPACE + ".svc.cluster.local");
            route.podSockets().forEach((port, socket) ->
                    outbound.add(new Pod.Outbound(names, route.address(), port, socket)));
        }
        live.add(pod);
        try {
            pod.start(volumes, outbound, pauseImage);
        } catch (RuntimeException e) {
            stopQuietly(pod);
            throw e;
        }
        return pod;
    }

    private Path claimDir(String claim) {
        return dir.resolve("claims").resolve(claim);
    }

    private ServiceRoute route(Service service) {
        String name = service.getMetadata().getName();
        String address = "127.0.1." + (services.size() + 1);
        Map<Integer, Relay> host = new LinkedHashMap<>();
        Map<Integer, Path> pod = new LinkedHashMap<>();
        for (ServicePort port : service.getSpec().getPorts()) {
            var endpoints = new java.util.function.Supplier<SocketAddress>() {
                private final AtomicInteger next = new AtomicInteger();

                @Override
                public SocketAddress get() {
                    List<SocketAddress> ready = new ArrayList<>();
                    for (Pod p : pods()) {
                        if (p.ready() && selects(service, p)) {
                            SocketAddress a = p.endpoint(port.getTargetPort());
                            if (a != null) {
                                ready.add(a);
                            }
                        }
                    }
                    return ready.isEmpty() ? null : ready.get(Math.floorMod(next.getAndIncrement(), ready.size()));
                }
            };
            Relay onHost = Relay.onLoopback(name + "-" + port.getPort(), endpoints);
            Path socket = sockets.resolve("svc-" + name + "-" + port.getPort() + ".sock");
            Relay forPods = Relay.onUnixSocket(socket, endpoints);
            relays.add(onHost);
            relays.add(forPods);
            host.put(port.getPort(), onHost);
            pod.put(port.getPort(), socket);
        }
        return new ServiceRoute(service, address, host, pod);
    }

    private static boolean selects(Service service, Pod pod) {
        Map<String, String> selector = service.getSpec().getSelector();
        return selector != null && !selector.isEmpty() && pod.labels != null
                && selector.entrySet().stream().allMatch(e -> Objects.equals(pod.labels.get(e.getKey()), e.getValue()));
    }

    private void awaitPod(Pod pod, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pod.ready()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                pod.spec.getContainers().forEach(c -> logs.append(tail(pod.logs(c.getName()))));
                throw new AssertionError(pod.name + " not ready within " + timeout + "\n" + logs);
            }
            sleep(250);
        }
    }

    private void stopQuietly(Pod pod) {
        live.remove(pod);
        try {
            pod.stop();
        } catch (RuntimeException e) {
            System.err.println("kubelet: stopping " + pod.name + ": " + e.getMessage());
        }
    }

    private static int orOne(Integer replicas) {
        return replicas == null ? 1 : replicas;
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything rendered that the harness does nothing with, by kind (for the README's list). */
    public static List<String> ignoredKinds(List<HasMetadata> resources) {
        List<String> runs = List.of("Deployment", "StatefulSet", "Service", "ConfigMap", "Secret",
                "PersistentVolumeClaim");
        return resources.stream().map(HasMetadata::getKind).filter(k -> !runs.contains(k)).distinct().sorted().toList();
    }
}
