package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests quarkus-kubernetes wrote at package time ({@code target/kubernetes/kubernetes.yml}, from the
 * {@code quarkus.kubernetes.*} properties and {@code src/main/kubernetes/kubernetes.yml}), parsed strictly.
 */
class KubernetesManifestIT {

    static final Path GENERATED = Path.of("target/kubernetes/kubernetes.yml");

    static List<HasMetadata> resources;
    static Deployment deployment;
    static Container container;
    static PodSpec pod;

    @BeforeAll
    static void parse() throws IOException {
        resources = StrictManifests.parse(Files.readString(GENERATED));
        deployment = only(resources, Deployment.class);
        pod = deployment.getSpec().getTemplate().getSpec();
        container = pod.getContainers().get(0);
    }

    static <T> T only(List<HasMetadata> resources, Class<T> kind) {
        List<T> found = resources.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertEquals(1, found.size(), "one " + kind.getSimpleName());
        return found.get(0);
    }

    @Test
    void exactlyTheDeploymentServiceAndDisruptionBudget() {
        // No Flyway init Job, RBAC or ServiceMonitor (ADR 0002), and never a Secret with literal values.
        assertEquals(Set.of("Deployment/portcullis", "Service/portcullis", "PodDisruptionBudget/portcullis"),
                resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).collect(Collectors.toSet()));
        assertTrue(pod.getInitContainers().isEmpty(), "no init container waiting for a Flyway Job");
        assertEquals(List.of(), Consistency.problems(resources, Set.of("ConfigMap/portcullis-config",
                "Secret/portcullis-secrets", "Secret/portcullis-database", "Secret/portcullis-token-signing")));
    }

    @Test
    void probesAreOnTheManagementPortAndTheServiceExposesOnlyHttp() {
        assertEquals(new TreeSet<>(Set.of("http=8080/TCP", "management=9000/TCP")), PodShape.of(pod, "portcullis").ports());
        assertEquals("liveness: HTTP 9000 /q/health/live", PodShape.probe("liveness", container.getLivenessProbe()));
        assertEquals("readiness: HTTP 9000 /q/health/ready", PodShape.probe("readiness", container.getReadinessProbe()));
        assertEquals("startup: HTTP 9000 /q/health/started", PodShape.probe("startup", container.getStartupProbe()));
        assertTrue(container.getStartupProbe().getFailureThreshold() * container.getStartupProbe().getPeriodSeconds() >= 120,
                "Flyway migrations get at least two minutes before liveness applies");
        Service service = only(resources, Service.class);
        assertEquals(List.of("http:80->8080"), service.getSpec().getPorts().stream()
                .map(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getIntVal()).toList(),
                "/q/* (port 9000) is not behind the Service the ingress uses");
        assertEquals("9000", deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));
    }

    @Test
    void resourcesAreRequestedAndLimited() {
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();
        for (String r : List.of("cpu", "memory")) {
            assertNotNull(requests.get(r), "request " + r);
            assertNotNull(limits.get(r), "limit " + r);
            assertTrue(Quantity.getAmountInBytes(requests.get(r)).compareTo(Quantity.getAmountInBytes(limits.get(r))) <= 0,
                    r + ": request <= limit");
        }
    }

    @Test
    void theContainerRunsRestricted() {
        var sc = container.getSecurityContext();
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd().isEmpty());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(pod.getSecurityContext().getRunAsUser() > 0);
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "Portcullis never calls the Kubernetes API");
    }

    @Test
    void secretsComeOnlyFromSecretsAndSettingsFromTheConfigMap() {
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        Map<String, String> fromSecrets = Map.of(
                "QUARKUS_DATASOURCE_USERNAME", "portcullis-database/username",
                "QUARKUS_DATASOURCE_PASSWORD", "portcullis-database/password",
                "PORTCULLIS_EVENTS_TOKEN", "portcullis-secrets/events-token",
                "PORTCULLIS_ADMIN_PASSWORD", "portcullis-secrets/admin-password",
                "PORTCULLIS_TOKENS_HASH_KEY", "portcullis-secrets/tokens-hash-key");
        fromSecrets.forEach((name, ref) -> {
            var key = env.get(name).getValueFrom().getSecretKeyRef();
            assertEquals(ref, key.getName() + "/" + key.getKey(), name);
        });
        // Every other variable is a literal that is no secret: file locations.
        assertEquals(Set.of("PORTCULLIS_TOKEN_KEY_FILE", "PORTCULLIS_TOKEN_CERTIFICATE_FILE", "PORTCULLIS_DATA_DIR"),
                env.values().stream().filter(e -> e.getValueFrom() == null).map(EnvVar::getName).collect(Collectors.toSet()));
        assertEquals("portcullis-config", container.getEnvFrom().get(0).getConfigMapRef().getName());
        assertEquals(1, container.getEnvFrom().size());
    }

    @Test
    void theSigningKeyAndCertificateAreFilesFromASecret() {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        var mount = container.getVolumeMounts().stream()
                .filter(m -> volumes.get(m.getName()).getSecret() != null).findFirst().orElseThrow();
        assertEquals("portcullis-token-signing", volumes.get(mount.getName()).getSecret().getSecretName());
        assertEquals(Boolean.TRUE, mount.getReadOnly());
        assertTrue(volumes.get(mount.getName()).getSecret().getDefaultMode() <= 0440, "not world-readable");
        Map<String, String> env = literalEnv();
        assertEquals(mount.getMountPath() + "/tls.key", env.get("PORTCULLIS_TOKEN_KEY_FILE"));
        assertEquals(mount.getMountPath() + "/tls.crt", env.get("PORTCULLIS_TOKEN_CERTIFICATE_FILE"));
    }

    @Test
    void tmpAndTheDataDirAreOnAnEmptyDir() {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        var tmp = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst().orElseThrow();
        assertNotNull(volumes.get(tmp.getName()).getEmptyDir());
        assertFalse(Boolean.TRUE.equals(tmp.getReadOnly()));
        assertTrue(literalEnv().get("PORTCULLIS_DATA_DIR").startsWith("/tmp/"));
    }

    @Test
    void theDisruptionBudgetAndTheServiceSelectTheDeploymentsPodsAcrossVersions() {
        PodDisruptionBudget pdb = only(resources, PodDisruptionBudget.class);
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(Consistency.matches(pdb.getSpec().getSelector(), labels));
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertTrue(deployment.getSpec().getReplicas() >= 2, "two replicas, so the budget lets a node drain");
        for (var selector : List.of(pdb.getSpec().getSelector().getMatchLabels(),
                deployment.getSpec().getSelector().getMatchLabels(), only(resources, Service.class).getSpec().getSelector())) {
            assertFalse(selector.containsKey("app.kubernetes.io/version"), "a selector must survive an upgrade: " + selector);
        }
    }

    private static Map<String, String> literalEnv() {
        return container.getEnv().stream().filter(e -> e.getValueFrom() == null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
