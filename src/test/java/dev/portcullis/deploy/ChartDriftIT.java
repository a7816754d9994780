package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written deployments follow the generated one: the chart's Portcullis Deployment and k8s/portcullis.yml
 * agree with {@code target/kubernetes/kubernetes.yml} (written by quarkus-kubernetes at package time, hence an IT).
 */
class ChartDriftIT {

    static List<HasMetadata> generated;
    static Chart.Rendered chart;

    @BeforeAll
    static void load() throws Exception {
        generated = StrictManifests.parse(Files.readString(KubernetesManifestIT.GENERATED));
        chart = Chart.render(List.of(), Map.of());
    }

    private static <T> T generated(Class<T> kind) {
        return KubernetesManifestIT.only(generated, kind);
    }

    @Test
    void theChartsPortcullisPodIsTheGeneratedPod() {
        PodShape expected = PodShape.of(generated(Deployment.class).getSpec().getTemplate().getSpec(), "portcullis");
        PodShape actual = PodShape.of(chart.portcullis().getSpec().getTemplate().getSpec(), "portcullis");
        assertEquals(expected.ports(), actual.ports(), "container ports");
        assertEquals(expected.probes(), actual.probes(), "probes");
        assertEquals(expected.env(), actual.env(), "environment: names and sources");
        assertEquals(expected.mounts(), actual.mounts(), "volume mounts");
        assertEquals(expected.security(), actual.security(), "security context");
        assertEquals(expected.resources(), actual.resources(), "resources (chart defaults)");
    }

    @Test
    void theChartsServiceReplicasAndBudgetAreTheGeneratedOnes() {
        assertEquals(ports(generated(Service.class)), ports(chart.service("portcullis")));
        assertEquals(generated(Deployment.class).getSpec().getReplicas(), chart.portcullis().getSpec().getReplicas());
        assertEquals(generated(PodDisruptionBudget.class).getSpec().getMaxUnavailable(),
                chart.get(PodDisruptionBudget.class, "portcullis").getSpec().getMaxUnavailable());
        Map<String, String> generatedPrometheus = prometheus(generated(Deployment.class));
        assertEquals(generatedPrometheus, prometheus(chart.portcullis()));
    }

    /**
     * k8s/portcullis.yml is the generated manifest, but for build stamps (commit id, build time) and list order
     * (quarkus-kubernetes writes env and ports in no fixed order): compared leaf by leaf, the drift is listed.
     */
    @Test
    void theK8sCopyIsTheGeneratedManifest() throws Exception {
        Map<String, String> expected = leaves(StrictManifests.documents(Files.readString(KubernetesManifestIT.GENERATED)));
        Map<String, String> actual = leaves(StrictManifests.documents(Files.readString(Path.of("k8s/portcullis.yml"))));
        List<String> drift = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(expected.get(key), actual.get(key))) {
                drift.add(key + ": generated " + expected.get(key) + ", k8s/ " + actual.get(key));
            }
        }
        assertEquals(List.of(), drift, "k8s/portcullis.yml drifted from target/kubernetes/kubernetes.yml: "
                + "cp target/kubernetes/kubernetes.yml k8s/portcullis.yml (keep its header comment)");
    }

    /** Every leaf of every document as path = value; list items keyed by their name (or mountPath). */
    static Map<String, String> leaves(List<JsonNode> documents) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : documents) {
            leaves(d, d.path("kind").asText() + "/" + d.at("/metadata/name").asText(), out);
        }
        return out;
    }

    private static void leaves(JsonNode node, String path, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (!path.endsWith("/annotations") || !BUILD_STAMPS.contains(e.getKey())) {
                    leaves(e.getValue(), path + "/" + e.getKey(), out);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                String key = item.has("name") ? item.get("name").asText()
                        : item.has("mountPath") ? item.get("mountPath").asText() : String.valueOf(i);
                leaves(item, path + "[" + key + "]", out);
            }
        } else {
            out.put(path, node.asText());
        }
    }

    private static final java.util.Set<String> BUILD_STAMPS = java.util.Set.of("app.quarkus.io/commit-id",
            "app.quarkus.io/build-timestamp", "app.quarkus.io/vcs-uri", "app.quarkus.io/vcs-ref");

    private static List<String> ports(Service service) {
        return service.getSpec().getPorts().stream()
                .map(p -> p.getName() + " " + p.getPort() + "->" + p.getTargetPort().getIntVal() + "/" + p.getProtocol())
                .toList();
    }

    private static Map<String, String> prometheus(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getAnnotations().entrySet().stream()
                .filter(e -> e.getKey().startsWith("prometheus.io/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }
}
