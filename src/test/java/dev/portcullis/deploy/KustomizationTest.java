package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testsupport.DebianPackages;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** k8s/: the kustomization's output, every document parsed strictly, the stack wired together. */
class KustomizationTest {

    /** The Secrets k8s/README.md tells operators to create. */
    static final Set<String> SECRETS_FROM_README = Set.of("Secret/portcullis-secrets", "Secret/portcullis-database",
            "Secret/portcullis-token-signing");

    static List<JsonNode> documents;
    static List<HasMetadata> resources;

    @BeforeAll
    static void render() {
        documents = Kustomization.render();
        resources = documents.stream().map(StrictManifests::parse).toList();
    }

    @Test
    void theWholeStackIsThereAndConsistent() {
        assertEquals(new TreeSet<>(Set.of("ConfigMap/portcullis-config", "ConfigMap/portcullis-dashboard",
                "ConfigMap/portcullis-registry-config", "Deployment/portcullis", "Deployment/portcullis-registry",
                "Service/portcullis", "Service/portcullis-registry", "Service/portcullis-mariadb",
                "StatefulSet/portcullis-mariadb", "PersistentVolumeClaim/portcullis-registry",
                "PodDisruptionBudget/portcullis", "Ingress/portcullis", "Ingress/portcullis-registry")),
                HelmChartTest.ids(new Chart.Rendered(resources)));
        assertEquals(List.of(), Consistency.problems(resources, SECRETS_FROM_README));
        assertTrue(resources.stream().allMatch(r -> "portcullis".equals(r.getMetadata().getNamespace())));
    }

    @Test
    void theReadmeCreatesEverySecretTheManifestsNeed() throws Exception {
        String readme = Files.readString(Kustomization.DIR.resolve("README.md"));
        for (String secret : SECRETS_FROM_README) {
            String name = secret.substring("Secret/".length());
            assertTrue(readme.contains("kubectl -n portcullis create secret") && readme.contains(" " + name + " "),
                    "README creates " + name);
        }
        for (String key : List.of("events-token", "admin-password", "tokens-hash-key", "registry-http-secret",
                "username", "password", "root-password")) {
            assertTrue(readme.contains("--from-literal=" + key + "="), "README sets " + key);
        }
    }

    @Test
    void theRegistryIsWiredToPortcullis() {
        Map<String, String> config = find(ConfigMap.class, "portcullis-config").getData();
        JsonNode registry = Chart.yaml(find(ConfigMap.class, "portcullis-registry-config").getData().get("config.yml"));
        JsonNode token = registry.at("/auth/token");
        assertEquals(config.get("PORTCULLIS_REGISTRY_SERVICE"), token.path("service").asText());
        assertEquals(config.get("PORTCULLIS_TOKEN_ISSUER"), token.path("issuer").asText());
        Ingress portcullis = find(Ingress.class, "portcullis");
        assertEquals("https://" + portcullis.getSpec().getRules().get(0).getHost() + "/v2/token", token.path("realm").asText());
        assertEquals(find(Ingress.class, "portcullis-registry").getSpec().getRules().get(0).getHost(),
                token.path("service").asText(), "tokens are issued for the registry's public host");
        assertEquals("letsencrypt", portcullis.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));

        Container container = find(Deployment.class, "portcullis-registry").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        JsonNode endpoint = Chart.yaml(env.get("REGISTRY_NOTIFICATIONS_ENDPOINTS").getValue()).get(0);
        assertEquals("http://portcullis:80/v2/webhooks/events", endpoint.path("url").asText());
        assertEquals("Bearer $(PORTCULLIS_EVENTS_TOKEN)", endpoint.at("/headers/Authorization/0").asText());
        assertEquals("portcullis-secrets/events-token", env.get("PORTCULLIS_EVENTS_TOKEN").getValueFrom().getSecretKeyRef()
                .getName() + "/" + env.get("PORTCULLIS_EVENTS_TOKEN").getValueFrom().getSecretKeyRef().getKey());
    }

    /** The same dashboard as the chart's, and the same registry settings wherever both set one. */
    @Test
    void theDashboardIsTheChartsDashboard() throws Exception {
        assertEquals(Files.readString(Chart.DIR.resolve("files/portcullis-dashboard.json")),
                find(ConfigMap.class, "portcullis-dashboard").getData().get("portcullis.json"));
        assertEquals("1", find(ConfigMap.class, "portcullis-dashboard").getMetadata().getLabels().get("grafana_dashboard"));
    }

    /** {@code kubectl kustomize} (Debian's kubernetes-client, installed when missing) renders what we render. */
    @Test
    void theRendererAgreesWithKubectlKustomize() throws Exception {
        String kubectl = DebianPackages.require("kubectl", "kubernetes-client").toString();
        Path out = Files.createTempFile("kustomize", ".yaml");
        Process p = new ProcessBuilder(kubectl, "kustomize", Kustomization.DIR.toString())
                .redirectOutput(out.toFile()).redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finished");
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertEquals(byId(documents), byId(StrictManifests.documents(Files.readString(out))));
    }

    private static Map<String, JsonNode> byId(List<JsonNode> docs) {
        return docs.stream().collect(Collectors.toMap(d -> d.path("kind").asText() + "/" + d.at("/metadata/name").asText(),
                d -> d, (a, b) -> a, TreeMap::new));
    }

    private static <T extends HasMetadata> T find(Class<T> kind, String name) {
        return new Chart.Rendered(resources).get(kind, name);
    }
}
