package dev.portcullis.testsupport.kubelet;

import dev.portcullis.testsupport.CliResult;
import dev.portcullis.testsupport.DockerDaemon;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One pod, run as a kubelet runs it, with Docker as its container runtime: a pause container owns the pod's network
 * namespace (its own loopback, no other interface) and {@code /etc/hosts}, which every container of the pod shares
 * ({@code --network container:}); init containers run to completion in order, then the containers start with what
 * their spec says; probes decide whether the pod is ready (and restart a container whose liveness fails).
 *
 * <p>The pod's network reaches the host only through UNIX sockets in a directory of the harness, joined by socat
 * processes that run in the pod's network namespace ({@code nsenter -n}, the host's file system): inbound, one per
 * container port, from {@code pod-NAME-PORT.sock} to {@code 127.0.0.1:PORT} in the pod; outbound, one per Service
 * port, from the Service's own loopback address and port in the pod (what its name resolves to) to the Service's
 * socket, where {@link Kubelet}'s relay picks a ready endpoint.
 */
final class Pod {

    /** A name in the pod's /etc/hosts and the loopback address and port it listens on inside the pod. */
    record Outbound(List<String> names, String address, int port, Path socket) {
    }

    private static final Duration INIT_TIMEOUT = Duration.ofMinutes(5);

    final String name;
    final Map<String, String> labels;
    final PodSpec spec;
    private final DockerDaemon docker;
    private final Manifests manifests;
    private final Map<String, String> images;
    private final Path dir;
    private final Path sockets;
    private final List<Process> socats = new ArrayList<>();
    private final Map<String, ContainerState> states = new ConcurrentHashMap<>();
    private final Map<Integer, Path> inbound = new LinkedHashMap<>();
    private volatile Thread prober;
    private volatile boolean stopping;

    Pod(String name, Map<String, String> labels, PodSpec spec, DockerDaemon docker, Manifests manifests,
            Map<String, String> images, Path dir, Path sockets) {
        this.name = name;
        this.labels = labels;
        this.spec = spec;
        this.docker = docker;
        this.manifests = manifests;
        this.images = images;
        this.dir = dir;
        this.sockets = sockets;
    }

    /** Starts the pod: pause container, relays, init containers, containers, probes. */
    void start(PodVolumes volumes, List<Outbound> outbound, String pauseImage) {
        List<String> pause = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none",
                "--read-only", "--user", "65535:65535", "--hostname", name,
                // The kubelet writes the pod's own name into its /etc/hosts (Java's getLocalHost() needs it).
                "--add-host", name + ":127.0.0.1"));
        for (Outbound out : outbound) {
            for (String host : out.names()) {
                pause.addAll(List.of("--add-host", host + ":" + out.address()));
            }
        }
        pause.addAll(List.of("--entrypoint", "sleep", pauseImage, "infinity"));
        docker.docker(pause.toArray(String[]::new)).orThrow();
        String pid = docker.docker("inspect", "--format", "{{.State.Pid}}", name).orThrow().output().strip();
        Set<Integer> ownPorts = new TreeSet<>();
        for (Container c : spec.getContainers()) {
            c.getPorts().forEach(p -> ownPorts.add(p.getContainerPort()));
            for (Probe probe : new Probe[] {c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe()}) {
                if (probe != null && probe.getHttpGet() != null) {
                    ownPorts.add(port(c, probe.getHttpGet().getPort()));
                }
            }
        }
        for (int port : ownPorts) {
            Path socket = sockets.resolve(name + "-" + port + ".sock");
            socat(pid, "UNIX-LISTEN:" + socket + ",fork,unlink-early", "TCP:127.0.0.1:" + port);
            inbound.put(port, socket);
        }
        for (Outbound out : outbound) {
            // A Service on a port the pod listens on itself cannot be bound beside the pod's wildcard listener.
            if (!ownPorts.contains(out.port())) {
                socat(pid, "TCP-LISTEN:" + out.port() + ",bind=" + out.address() + ",fork,reuseaddr",
                        "UNIX-CONNECT:" + out.socket());
            }
        }
        awaitSockets();
        Map<String, String> fields = Map.of("metadata.name", name, "metadata.namespace", Kubelet.NAMESPACE,
                "status.podIP", "127.0.0.1", "status.hostIP", "127.0.0.1", "spec.nodeName", "harness",
                "spec.serviceAccountName", String.valueOf(spec.getServiceAccountName()));
        int i = 0;
        for (Container init : spec.getInitContainers()) {
            String id = name + "-init-" + i++;
            run(init, id, volumes, fields);
            CliResult waited = docker.docker("wait", id);
            String exit = waited.output().strip();
            if (!"0".equals(exit)) {
                throw new IllegalStateException("init container " + init.getName() + " of " + name + " exited "
                        + exit + "\n" + docker.docker("logs", id).text());
            }
        }
        for (Container c : spec.getContainers()) {
            run(c, containerId(c), volumes, fields);
            states.put(c.getName(), new ContainerState(c));
        }
        prober = new Thread(this::probeLoop, "probes-" + name);
        prober.setDaemon(true);
        prober.start();
    }

    String containerId(Container c) {
        return name + "-" + c.getName();
    }

    /** Ready: every container started and its readiness probe (if any) passing. */
    boolean ready() {
        return !stopping && !states.isEmpty() && states.values().stream().allMatch(s -> s.ready);
    }

    /** {@code kubectl exec}: runs {@code command} in the pod's container, as the container's user. */
    CliResult exec(String container, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", name + "-" + container));
        args.addAll(List.of(command));
        return docker.docker(args.toArray(String[]::new));
    }

    /** Restarts of the pod's containers so far (liveness failures and exits). */
    int restarts() {
        return states.values().stream().mapToInt(s -> s.restarts).sum();
    }

    /** The socket a Service's relay connects to for {@code targetPort} (a number or a container port's name). */
    SocketAddress endpoint(IntOrString targetPort) {
        Integer port = null;
        for (Container c : spec.getContainers()) {
            try {
                port = port(c, targetPort);
                break;
            } catch (IllegalStateException notThisContainer) {
                // another container may name it
            }
        }
        Path socket = port == null ? null : inbound.get(port);
        return socket == null ? null : UnixDomainSocketAddress.of(socket);
    }

    /** The kubelet's stop: SIGTERM to every container, SIGKILL after the grace period, then the pod is gone. */
    void stop() {
        stopping = true;
        if (prober != null) {
            prober.interrupt();
        }
        long grace = spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds();
        List<Thread> stops = new ArrayList<>();
        for (Container c : spec.getContainers()) {
            Thread t = new Thread(() -> docker.docker("stop", "--time", String.valueOf(grace), containerId(c)));
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
        socats.forEach(Process::destroy);
        docker.docker("rm", "-f", name);
        inbound.values().forEach(p -> p.toFile().delete());
    }

    /** The exit code a container ended with (after {@link #stop()}). */
    String exitCode(String container) {
        return docker.docker("inspect", "--format", "{{.State.ExitCode}}", name + "-" + container).output().strip();
    }

    String logs(String container) {
        return docker.docker("logs", name + "-" + container).text();
    }

    private void run(Container c, String id, PodVolumes volumes, Map<String, String> fields) {
        Map<String, String> env = ContainerEnv.of(c, manifests, fields);
        String image = image(c.getImage());
        // Detached either way: an init container is waited for with docker wait, so its logs stay readable.
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", id, "--network", "container:" + name));
        args.addAll(security(c));
        if (c.getResources() != null && c.getResources().getLimits() != null) {
            Quantity memory = c.getResources().getLimits().get("memory");
            if (memory != null) {
                args.addAll(List.of("--memory", Quantity.getAmountInBytes(memory).toBigInteger().toString()));
            }
        }
        args.addAll(volumes.dockerOptions(c.getVolumeMounts()));
        env.keySet().forEach(k -> args.addAll(List.of("-e", k)));
        List<String> command = ContainerEnv.expandAll(c.getCommand(), env);
        List<String> rest = new ArrayList<>();
        if (!command.isEmpty()) {
            args.addAll(List.of("--entrypoint", command.get(0)));
            rest.addAll(command.subList(1, command.size()));
        }
        rest.addAll(ContainerEnv.expandAll(c.getArgs(), env));
        args.add(image);
        args.addAll(rest);
        docker.dockerWithEnv(env, args.toArray(String[]::new)).orThrow();
    }

    /** runAsUser/Group (container over pod), fsGroup as a supplementary group, read-only root, capabilities. */
    private List<String> security(Container c) {
        PodSecurityContext pod = spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
        SecurityContext own = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
        Long user = own.getRunAsUser() != null ? own.getRunAsUser() : pod.getRunAsUser();
        Long group = own.getRunAsGroup() != null ? own.getRunAsGroup() : pod.getRunAsGroup();
        boolean nonRoot = Boolean.TRUE.equals(own.getRunAsNonRoot()) || Boolean.TRUE.equals(pod.getRunAsNonRoot());
        if (nonRoot && (user == null || user == 0)) {
            // The kubelet would look at the image's user; the harness asks for a numeric one instead.
            throw new IllegalStateException(c.getName() + ": runAsNonRoot without a runAsUser other than 0");
        }
        List<String> out = new ArrayList<>();
        if (user != null) {
            out.addAll(List.of("--user", user + (group == null ? "" : ":" + group)));
        }
        if (pod.getFsGroup() != null) {
            out.addAll(List.of("--group-add", String.valueOf(pod.getFsGroup())));
        }
        if (pod.getSupplementalGroups() != null) {
            pod.getSupplementalGroups().forEach(g -> out.addAll(List.of("--group-add", String.valueOf(g))));
        }
        if (Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
            out.add("--read-only");
        }
        if (Boolean.FALSE.equals(own.getAllowPrivilegeEscalation())) {
            out.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        if (own.getCapabilities() != null) {
            own.getCapabilities().getDrop().forEach(cap -> out.addAll(List.of("--cap-drop", cap)));
            own.getCapabilities().getAdd().forEach(cap -> out.addAll(List.of("--cap-add", cap)));
        }
        return out;
    }

    private String image(String reference) {
        String repository = reference.replaceAll("@.*$", "").replaceAll(":[^:/]+$", "");
        String local = images.get(repository);
        if (local == null) {
            throw new IllegalStateException("image " + reference + " has no test image (known: " + images.keySet() + ")");
        }
        return local;
    }

    private void socat(String pid, String listen, String connect) {
        Path log = dir.resolve("socat.log");
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder("nsenter", "-t", pid, "-n", "socat", listen, connect)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            socats.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitSockets() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!inbound.values().stream().allMatch(Files::exists)) {
            if (System.nanoTime() > deadline || socats.stream().anyMatch(p -> !p.isAlive())) {
                throw new IllegalStateException("socat relays of " + name + " did not start: "
                        + read(dir.resolve("socat.log")));
            }
            sleep(50);
        }
    }

    private static int port(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        for (ContainerPort p : c.getPorts()) {
            if (port.getStrVal().equals(p.getName())) {
                return p.getContainerPort();
            }
        }
        throw new IllegalStateException(c.getName() + " has no port named " + port.getStrVal());
    }

    /** Per container: probe schedules and results, as the kubelet keeps them. */
    private final class ContainerState {
        final Container container;
        // Reset at each restart: initialDelaySeconds counts from the container's own start, as for the kubelet.
        volatile long startedAt = System.nanoTime();
        volatile boolean started;
        volatile boolean ready;
        volatile int restarts;
        final Map<String, long[]> schedule = new ConcurrentHashMap<>(); // probe -> {next run, successes, failures}

        ContainerState(Container container) {
            this.container = container;
            started = container.getStartupProbe() == null;
        }
    }

    private void probeLoop() {
        while (!stopping) {
            for (ContainerState state : states.values()) {
                try {
                    probe(state);
                } catch (RuntimeException e) {
                    state.ready = false;
                }
            }
            if (!sleep(250)) {
                return;
            }
        }
    }

    private void probe(ContainerState s) {
        Container c = s.container;
        String id = containerId(c);
        if (!"true".equals(docker.docker("inspect", "--format", "{{.State.Running}}", id).output().strip())) {
            s.ready = false;
            if (!stopping) {
                // restartPolicy Always
                s.restarts++;
                s.started = c.getStartupProbe() == null;
                s.schedule.clear();
                docker.docker("start", id);
                s.startedAt = System.nanoTime();
            }
            return;
        }
        if (!s.started) {
            Boolean passed = due(s, "startup", c.getStartupProbe());
            if (Boolean.TRUE.equals(passed)) {
                s.started = true;
            } else if (Boolean.FALSE.equals(passed)) {
                restart(s);
            }
            return;
        }
        if (c.getLivenessProbe() != null && Boolean.FALSE.equals(due(s, "liveness", c.getLivenessProbe()))) {
            restart(s);
            return;
        }
        if (c.getReadinessProbe() == null) {
            s.ready = true;
        } else {
            Boolean result = due(s, "readiness", c.getReadinessProbe());
            if (result != null) {
                s.ready = result;
            }
        }
    }

    private void restart(ContainerState s) {
        s.ready = false;
        s.restarts++;
        s.started = s.container.getStartupProbe() == null;
        s.schedule.clear();
        long grace = spec.getTerminationGracePeriodSeconds() == null ? 30 : spec.getTerminationGracePeriodSeconds();
        docker.docker("restart", "--time", String.valueOf(grace), containerId(s.container));
        s.startedAt = System.nanoTime();
    }

    /**
     * Runs the probe when its period has come: null while its verdict stands, TRUE once it passed successThreshold
     * times in a row, FALSE once it failed failureThreshold times in a row.
     */
    private Boolean due(ContainerState s, String which, Probe probe) {
        long now = System.nanoTime();
        long[] state = s.schedule.computeIfAbsent(which, k -> new long[] {
                s.startedAt + TimeUnit.SECONDS.toNanos(orDefault(probe.getInitialDelaySeconds(), 0)), 0, 0});
        if (now < state[0]) {
            return null;
        }
        state[0] = now + TimeUnit.SECONDS.toNanos(orDefault(probe.getPeriodSeconds(), 10));
        if (run(s.container, probe)) {
            state[1]++;
            state[2] = 0;
            return state[1] >= orDefault(probe.getSuccessThreshold(), 1) ? Boolean.TRUE : null;
        }
        state[1] = 0;
        state[2]++;
        return state[2] >= orDefault(probe.getFailureThreshold(), 3) ? Boolean.FALSE : null;
    }

    private boolean run(Container c, Probe probe) {
        int timeout = orDefault(probe.getTimeoutSeconds(), 1);
        if (probe.getExec() != null) {
            List<String> args = new ArrayList<>(List.of("exec", containerId(c)));
            args.addAll(probe.getExec().getCommand());
            return docker.docker(args.toArray(String[]::new)).ok();
        }
        if (probe.getHttpGet() != null) {
            Path socket = inbound.get(port(c, probe.getHttpGet().getPort()));
            return httpGet(socket, probe.getHttpGet().getPath(), timeout);
        }
        if (probe.getTcpSocket() != null) {
            Path socket = inbound.get(port(c, probe.getTcpSocket().getPort()));
            // The pod-side socat connects only when the first byte flows: an HTTP-less byte tells if it can.
            try (SocketChannel channel = Relay.connect(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap(new byte[0]));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        throw new IllegalStateException(c.getName() + ": a probe the harness does not know: " + probe);
    }

    /** An HTTP/1.0 GET through the pod's inbound socket; 200 to 399 passes, as for the kubelet. */
    static boolean httpGet(Path socket, String path, int timeoutSeconds) {
        try (SocketChannel channel = Relay.connect(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("GET " + (path == null ? "/" : path) + " HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                    + "User-Agent: kube-probe/1.31\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            var reader = new Thread[1];
            byte[][] head = new byte[1][];
            reader[0] = new Thread(() -> {
                try (InputStream in = Channels.newInputStream(channel)) {
                    head[0] = in.readNBytes(12);
                } catch (IOException e) {
                    head[0] = new byte[0];
                }
            });
            reader[0].setDaemon(true);
            reader[0].start();
            reader[0].join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            channel.close();
            if (head[0] == null || head[0].length < 12) {
                return false;
            }
            int status = Integer.parseInt(new String(head[0], 9, 3, StandardCharsets.US_ASCII));
            return status >= 200 && status < 400;
        } catch (IOException | NumberFormatException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
