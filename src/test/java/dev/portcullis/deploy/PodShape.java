package dev.portcullis.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What must agree between the generated Portcullis Deployment and every hand-written one (the chart's, k8s/'s):
 * ports, probes, environment (names and where each value comes from), volumes, security context and resources.
 * Each part is a sorted set of short strings, so a failed comparison shows the one line that drifted.
 */
record PodShape(SortedSet<String> ports, SortedSet<String> probes, SortedSet<String> env,
        SortedSet<String> mounts, SortedSet<String> security, SortedSet<String> resources) {

    static PodShape of(PodSpec pod, String containerName) {
        Container c = pod.getContainers().stream().filter(x -> x.getName().equals(containerName)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + containerName));
        Map<String, Volume> volumes = pod.getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, Function.identity()));
        SortedSet<String> ports = set(c.getPorts().stream()
                .map(p -> p.getName() + "=" + p.getContainerPort() + "/" + Objects.requireNonNullElse(p.getProtocol(), "TCP")));
        SortedSet<String> probes = new TreeSet<>();
        probes.add(probe("liveness", c.getLivenessProbe()));
        probes.add(probe("readiness", c.getReadinessProbe()));
        probes.add(probe("startup", c.getStartupProbe()));
        SortedSet<String> env = set(c.getEnv().stream().map(PodShape::env));
        for (EnvFromSource from : c.getEnvFrom()) {
            env.add(from.getConfigMapRef() != null ? "envFrom configMap " + from.getConfigMapRef().getName()
                    : "envFrom secret " + from.getSecretRef().getName());
        }
        SortedSet<String> mounts = set(c.getVolumeMounts().stream().map(m -> mount(m, volumes.get(m.getName()))));
        SortedSet<String> security = new TreeSet<>();
        var sc = c.getSecurityContext();
        if (sc != null) {
            security.add("container allowPrivilegeEscalation=" + sc.getAllowPrivilegeEscalation());
            security.add("container readOnlyRootFilesystem=" + sc.getReadOnlyRootFilesystem());
            security.add("container runAsNonRoot=" + sc.getRunAsNonRoot());
            security.add("container capabilities drop=" + (sc.getCapabilities() == null ? null : sc.getCapabilities().getDrop()));
            security.add("container seccomp=" + (sc.getSeccompProfile() == null ? null : sc.getSeccompProfile().getType()));
        }
        PodSecurityContext psc = pod.getSecurityContext();
        if (psc != null) {
            security.add("pod runAsNonRoot=" + psc.getRunAsNonRoot());
            security.add("pod runAsUser=" + psc.getRunAsUser());
            security.add("pod runAsGroup=" + psc.getRunAsGroup());
            security.add("pod fsGroup=" + psc.getFsGroup());
        }
        security.add("pod automountServiceAccountToken=" + pod.getAutomountServiceAccountToken());
        SortedSet<String> resources = new TreeSet<>();
        if (c.getResources() != null) {
            c.getResources().getRequests().forEach((k, v) -> resources.add("requests." + k + "=" + v));
            c.getResources().getLimits().forEach((k, v) -> resources.add("limits." + k + "=" + v));
        }
        return new PodShape(ports, probes, env, mounts, security, resources);
    }

    static String probe(String which, Probe p) {
        if (p == null) {
            return which + ": none";
        }
        if (p.getHttpGet() == null) {
            return which + ": not an HTTP GET";
        }
        var get = p.getHttpGet();
        Object port = get.getPort().getIntVal() != null ? get.getPort().getIntVal() : get.getPort().getStrVal();
        return which + ": " + Objects.requireNonNullElse(get.getScheme(), "HTTP") + " " + port + " " + get.getPath();
    }

    static String env(EnvVar e) {
        if (e.getValueFrom() == null) {
            return e.getName() + "=" + e.getValue();
        }
        var from = e.getValueFrom();
        if (from.getSecretKeyRef() != null) {
            return e.getName() + " <- secret " + from.getSecretKeyRef().getName() + "/" + from.getSecretKeyRef().getKey();
        }
        if (from.getConfigMapKeyRef() != null) {
            return e.getName() + " <- configMap " + from.getConfigMapKeyRef().getName() + "/"
                    + from.getConfigMapKeyRef().getKey();
        }
        return e.getName() + " <- field " + from.getFieldRef().getFieldPath();
    }

    static String mount(VolumeMount m, Volume v) {
        String source = v == null ? "MISSING VOLUME " + m.getName()
                : v.getEmptyDir() != null ? "emptyDir"
                : v.getSecret() != null ? "secret " + v.getSecret().getSecretName()
                : v.getConfigMap() != null ? "configMap " + v.getConfigMap().getName()
                : v.getPersistentVolumeClaim() != null ? "pvc " + v.getPersistentVolumeClaim().getClaimName()
                : "other";
        return m.getMountPath() + " <- " + source + (Boolean.TRUE.equals(m.getReadOnly()) ? " (read-only)" : "");
    }

    private static SortedSet<String> set(java.util.stream.Stream<String> s) {
        return s.collect(Collectors.toCollection(TreeSet::new));
    }
}
