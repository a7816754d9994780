package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart as a dependency of another chart: Helm passes {@code global} to every subchart, so the schema must
 * accept it, and {@code global.imageRegistry} and {@code global.imagePullSecrets} reach every image (a mirror for
 * an air-gapped cluster), as in Bitnami's charts.
 */
class ChartSubchartTest {

    @Test
    void asASubchartEveryImageComesFromTheGlobalRegistryWithItsPullSecret() throws Exception {
        Path umbrella = Files.createTempDirectory("umbrella").resolve("stack");
        Files.createDirectories(umbrella.resolve("charts"));
        Files.writeString(umbrella.resolve("Chart.yaml"), """
                apiVersion: v2
                name: stack
                version: 1.0.0
                dependencies:
                  - name: portcullis
                    version: "*"
                """);
        Files.writeString(umbrella.resolve("values.yaml"), """
                global:
                  imageRegistry: mirror.example.org:5000
                  imagePullSecrets: [mirror-pull]
                portcullis:
                  registry:
                    replicas: 2
                    storage: {type: s3, s3: {bucket: b, region: r}}
                    cache: {type: redis}
                """);
        copy(Chart.DIR, umbrella.resolve("charts/portcullis"));
        FakeCluster.get();
        String rendered = new Helm(umbrella).template().withName("stack").withNamespace(Chart.NAMESPACE)
                .withKubeVersion("1.31.0").call();
        List<PodSpec> pods = pods(StrictManifests.parse(rendered));
        assertEquals(4, pods.size(), "Portcullis, the registry, MariaDB, Redis");
        for (PodSpec pod : pods) {
            for (Container c : pod.getContainers()) {
                assertTrue(c.getImage().startsWith("mirror.example.org:5000/"), c.getImage());
            }
            assertEquals(List.of("mirror-pull"), pod.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList(),
                    pod.getContainers().get(0).getName());
        }
    }

    /** The chart's own imagePullSecrets reach every pod, the helm test pod included; no registry host doubled. */
    @Test
    void imagePullSecretsAndTheImageRegistryReachEveryPodOfTheChartAlone() {
        Map<String, Object> set = Map.of("imagePullSecrets[0].name", "pull", "global.imageRegistry", "mirror.local",
                "registry.replicas", 2, "registry.storage.type", "s3", "registry.storage.s3.bucket", "b",
                "registry.storage.s3.region", "r", "registry.cache.type", "redis");
        List<PodSpec> pods = pods(Chart.render(List.of(), set).resources());
        pods.add(((Pod) Chart.testHooks(set).get(0)).getSpec());
        assertEquals(5, pods.size());
        for (PodSpec pod : pods) {
            assertEquals(List.of("pull"), pod.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList());
            for (Container c : pod.getContainers()) {
                assertTrue(c.getImage().startsWith("mirror.local/") && !c.getImage().contains("docker.io"), c.getImage());
            }
        }
    }

    static List<PodSpec> pods(List<HasMetadata> resources) {
        List<PodSpec> out = new ArrayList<>();
        for (HasMetadata r : resources) {
            if (r instanceof Deployment d) {
                out.add(d.getSpec().getTemplate().getSpec());
            } else if (r instanceof StatefulSet s) {
                out.add(s.getSpec().getTemplate().getSpec());
            }
        }
        return out;
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
