package dev.portcullis.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cross-document checks an API server does not make at apply time but a broken install shows at once: selectors
 * that select nothing, mounts of undeclared volumes, references to Secrets, ConfigMaps, Services and ports that
 * the same set of manifests does not define. Returns every problem found, one line each.
 */
final class Consistency {

    private Consistency() {
    }

    /**
     * @param resources the manifests of one install
     * @param provided Secrets and ConfigMaps the operator creates beforehand ("Secret/name", "ConfigMap/name")
     */
    static List<String> problems(List<HasMetadata> resources, Set<String> provided) {
        List<String> problems = new ArrayList<>();
        Set<String> defined = new HashSet<>(provided);
        Set<String> names = new HashSet<>();
        Map<String, Map<String, String>> podLabels = new LinkedHashMap<>();
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        for (HasMetadata r : resources) {
            String id = r.getKind() + "/" + r.getMetadata().getName();
            if (!names.add(id)) {
                problems.add(id + " is defined twice");
            }
            if (r instanceof Secret || r instanceof ConfigMap || r instanceof PersistentVolumeClaim) {
                defined.add(id);
            }
            if (r instanceof Deployment d) {
                templates.put(id, d.getSpec().getTemplate());
                checkSelector(problems, id, d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels());
            } else if (r instanceof StatefulSet s) {
                templates.put(id, s.getSpec().getTemplate());
                checkSelector(problems, id, s.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels());
                s.getSpec().getVolumeClaimTemplates().forEach(
                        c -> defined.add("VolumeClaimTemplate/" + id + "/" + c.getMetadata().getName()));
                if (resources.stream().noneMatch(x -> x instanceof Service
                                && x.getMetadata().getName().equals(s.getSpec().getServiceName()))) {
                    problems.add(id + ": serviceName " + s.getSpec().getServiceName() + " is not a Service here");
                }
            } else if (r instanceof Pod p) {
                templates.put(id, new PodTemplateSpec(p.getMetadata(), p.getSpec()));
            }
        }
        templates.forEach((id, t) -> {
            podLabels.put(id, t.getMetadata().getLabels());
            checkPod(problems, id, t, defined);
        });
        for (HasMetadata r : resources) {
            String id = r.getKind() + "/" + r.getMetadata().getName();
            if (r instanceof Service s && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty()) {
                List<PodTemplateSpec> selected = templates.values().stream()
                        .filter(t -> matches(s.getSpec().getSelector(), t.getMetadata().getLabels())).toList();
                if (selected.isEmpty()) {
                    problems.add(id + " selects no pod");
                }
                for (ServicePort port : s.getSpec().getPorts()) {
                    if (port.getTargetPort() != null && port.getTargetPort().getStrVal() != null
                            && selected.stream().noneMatch(t -> hasPortNamed(t, port.getTargetPort().getStrVal()))) {
                        problems.add(id + ": targetPort " + port.getTargetPort().getStrVal() + " is no container port");
                    }
                }
            } else if (r instanceof PodDisruptionBudget pdb) {
                requireSelects(problems, id, pdb.getSpec().getSelector(), podLabels);
            } else if (r instanceof NetworkPolicy np) {
                requireSelects(problems, id, np.getSpec().getPodSelector(), podLabels);
            } else if (r instanceof HorizontalPodAutoscaler hpa) {
                var target = hpa.getSpec().getScaleTargetRef();
                if (!names.contains(target.getKind() + "/" + target.getName())) {
                    problems.add(id + ": scale target " + target.getKind() + "/" + target.getName() + " is not here");
                }
            } else if (r instanceof Ingress ing) {
                ing.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(
                        path -> checkBackend(problems, id, path.getBackend().getService(), resources)));
            } else if (r instanceof ServiceMonitor sm) {
                List<Service> selected = resources.stream().filter(Service.class::isInstance).map(Service.class::cast)
                        .filter(s -> matches(sm.getSpec().getSelector(), s.getMetadata().getLabels())).toList();
                if (selected.isEmpty()) {
                    problems.add(id + " selects no Service");
                }
                sm.getSpec().getEndpoints().forEach(e -> {
                    if (selected.stream().noneMatch(s -> s.getSpec().getPorts().stream()
                            .anyMatch(p -> e.getPort().equals(p.getName())))) {
                        problems.add(id + ": endpoint port " + e.getPort() + " is not a port of the selected Service");
                    }
                });
            }
        }
        return problems;
    }

    private static void checkPod(List<String> problems, String id, PodTemplateSpec t, Set<String> defined) {
        Map<String, Volume> volumes = new LinkedHashMap<>();
        for (Volume v : t.getSpec().getVolumes()) {
            if (volumes.put(v.getName(), v) != null) {
                problems.add(id + ": volume " + v.getName() + " declared twice");
            }
            if (v.getSecret() != null) {
                require(problems, id, defined, "Secret/" + v.getSecret().getSecretName());
            }
            if (v.getConfigMap() != null) {
                require(problems, id, defined, "ConfigMap/" + v.getConfigMap().getName());
            }
            if (v.getPersistentVolumeClaim() != null) {
                require(problems, id, defined, "PersistentVolumeClaim/" + v.getPersistentVolumeClaim().getClaimName());
            }
        }
        Set<String> containerNames = new HashSet<>();
        for (Container c : Stream.concat(t.getSpec().getInitContainers().stream(), t.getSpec().getContainers().stream())
                .toList()) {
            if (!containerNames.add(c.getName())) {
                problems.add(id + ": container " + c.getName() + " twice");
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                problems.add(id + ": container " + c.getName() + " has no image");
            }
            c.getVolumeMounts().forEach(m -> {
                if (!volumes.containsKey(m.getName()) && !defined.contains("VolumeClaimTemplate/" + id + "/" + m.getName())) {
                    problems.add(id + ": " + c.getName() + " mounts undeclared volume " + m.getName());
                }
            });
            Set<String> envNames = new HashSet<>();
            c.getEnv().forEach(e -> {
                if (!envNames.add(e.getName())) {
                    problems.add(id + ": " + c.getName() + " sets " + e.getName() + " twice");
                }
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    require(problems, id, defined, "Secret/" + e.getValueFrom().getSecretKeyRef().getName());
                }
                if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                    require(problems, id, defined, "ConfigMap/" + e.getValueFrom().getConfigMapKeyRef().getName());
                }
            });
            c.getEnvFrom().forEach(f -> {
                if (f.getConfigMapRef() != null) {
                    require(problems, id, defined, "ConfigMap/" + f.getConfigMapRef().getName());
                }
                if (f.getSecretRef() != null) {
                    require(problems, id, defined, "Secret/" + f.getSecretRef().getName());
                }
            });
            for (var probe : Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe()).toList()) {
                if (probe != null && probe.getHttpGet() != null && probe.getHttpGet().getPort().getStrVal() != null
                        && c.getPorts().stream().noneMatch(p -> probe.getHttpGet().getPort().getStrVal().equals(p.getName()))) {
                    problems.add(id + ": probe port " + probe.getHttpGet().getPort().getStrVal() + " is no port of " + c.getName());
                }
            }
        }
    }

    private static void checkBackend(List<String> problems, String id, IngressServiceBackend backend,
            List<HasMetadata> resources) {
        Service service = resources.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals(backend.getName())).findFirst().orElse(null);
        if (service == null) {
            problems.add(id + ": backend Service " + backend.getName() + " is not here");
            return;
        }
        boolean portFound = service.getSpec().getPorts().stream().anyMatch(p -> backend.getPort().getName() != null
                ? backend.getPort().getName().equals(p.getName())
                : backend.getPort().getNumber().equals(p.getPort()));
        if (!portFound) {
            problems.add(id + ": backend port " + backend.getPort() + " is not a port of Service " + backend.getName());
        }
    }

    private static void require(List<String> problems, String id, Set<String> defined, String what) {
        if (!defined.contains(what)) {
            problems.add(id + " refers to " + what + ", which is neither defined here nor provided");
        }
    }

    private static void checkSelector(List<String> problems, String id, LabelSelector selector, Map<String, String> labels) {
        if (selector == null || !matches(selector, labels)) {
            problems.add(id + ": selector does not match the pod template's labels");
        }
    }

    private static void requireSelects(List<String> problems, String id, LabelSelector selector,
            Map<String, Map<String, String>> podLabels) {
        if (podLabels.values().stream().noneMatch(labels -> matches(selector, labels))) {
            problems.add(id + " selects no pod");
        }
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions are not checked here");
        }
        return matches(selector.getMatchLabels(), labels);
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static boolean hasPortNamed(PodTemplateSpec t, String name) {
        return t.getSpec().getContainers().stream().anyMatch(c -> c.getPorts().stream().anyMatch(p -> name.equals(p.getName())));
    }
}
