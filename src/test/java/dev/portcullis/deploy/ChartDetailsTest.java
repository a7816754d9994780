package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The smaller defects of the chart's review, each proven by a render (issue 20, "Low"). */
class ChartDetailsTest {

    /** No object sets a namespace, so the registry reaches the sink by the Service's short name. */
    @Test
    void notificationsGoToTheServicesShortName() {
        Chart.Rendered r = Chart.render(List.of(), Map.of());
        EnvVar endpoints = registry(r).getEnv().stream()
                .filter(e -> e.getName().equals("REGISTRY_NOTIFICATIONS_ENDPOINTS")).findFirst().orElseThrow();
        assertEquals("http://portcullis:80/v2/webhooks/events",
                Chart.yaml(endpoints.getValue()).get(0).path("url").asText());
        assertFalse(Chart.template(List.of(), Map.of()).contains(Chart.NAMESPACE + ".svc"));
    }

    /** A storage outage makes every path of the registry 503: that takes it out of the Service, never restarts it. */
    @Test
    void theRegistryLivesByTcpAndIsReadyByHttp() {
        Container c = registry(Chart.render(List.of(), Map.of()));
        assertNull(c.getLivenessProbe().getHttpGet());
        assertEquals("registry", c.getLivenessProbe().getTcpSocket().getPort().getStrVal());
        assertEquals("/", c.getReadinessProbe().getHttpGet().getPath());
    }

    /** OpenShift's restricted SCC picks the UID and fsGroup itself: both can be changed or left out, per workload. */
    @Test
    void theUidsAndFsGroupsCanBeChangedOrLeftToTheCluster() {
        Map<String, Object> unset = new HashMap<>();
        Map<String, Object> changed = new HashMap<>();
        for (String workload : List.of("portcullis", "registry", "mariadb", "registry.cache.redis")) {
            for (String key : List.of("runAsUser", "runAsGroup", "fsGroup")) {
                unset.put(workload + ".podSecurityContext." + key, "null");
                changed.put(workload + ".podSecurityContext." + key, 1000680000);
            }
        }
        for (Map<String, Object> set : List.of(unset, changed)) {
            set.put("registry.cache.type", "redis");
            List<PodSpec> pods = ChartSubchartTest.pods(Chart.render(List.of(), set).resources());
            assertEquals(4, pods.size());
            for (PodSpec pod : pods) {
                PodSecurityContext sc = pod.getSecurityContext();
                Long expected = set == unset ? null : 1000680000L;
                assertEquals(expected, sc.getRunAsUser(), pod.getContainers().get(0).getName());
                assertEquals(expected, sc.getRunAsGroup(), pod.getContainers().get(0).getName());
                assertEquals(expected, sc.getFsGroup(), pod.getContainers().get(0).getName());
                assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), "never root, whoever picks the UID");
            }
        }
        Chart.Rendered defaults = Chart.render(List.of(), Map.of());
        assertEquals(185L, defaults.portcullis().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser());
        assertEquals(1000L, defaults.registry().getSpec().getTemplate().getSpec().getSecurityContext().getFsGroup());
    }

    @Test
    void extraEnvReachesPortcullisAndTheRegistry() {
        Chart.Rendered r = Chart.render(List.of(), Map.of("portcullis.extraEnv[0].name", "JAVA_OPTS_APPEND",
                "portcullis.extraEnv[0].value", "-XX:+UseZGC", "registry.extraEnv[0].name", "OTEL_TRACES_EXPORTER",
                "registry.extraEnv[0].value", "none"));
        Container portcullis = r.portcullis().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(portcullis.getEnv().stream().anyMatch(e -> e.getName().equals("JAVA_OPTS_APPEND")
                && e.getValue().equals("-XX:+UseZGC")));
        assertTrue(registry(r).getEnv().stream().anyMatch(e -> e.getName().equals("OTEL_TRACES_EXPORTER")));
    }

    /** Large installations want clients sent to presigned S3 URLs for layers; the default keeps them on the registry. */
    @Test
    void storageRedirectsAreAValue() {
        assertTrue(Chart.render(List.of(), Map.of()).registryConfig().at("/storage/redirect/disable").asBoolean());
        JsonNode redirected = Chart.render(List.of(Chart.HA_S3), Map.of("registry.storage.redirect.disable", false))
                .registryConfig();
        assertFalse(redirected.at("/storage/redirect/disable").asBoolean(true));
    }

    @Test
    void theDefaultImagesAreReleasesNotSnapshots() {
        for (PodSpec pod : ChartSubchartTest.pods(Chart.render(List.of(), Map.of()).resources())) {
            for (Container c : pod.getContainers()) {
                assertFalse(c.getImage().toUpperCase().contains("SNAPSHOT"), c.getImage());
            }
        }
    }

    /** Chart.yaml's kubeVersion is what the README promises, and Helm refuses an older cluster. */
    @Test
    void kubeVersionIsTheReadmesAndOlderClustersAreRefused() throws Exception {
        JsonNode chart = Chart.yaml(Files.readString(Chart.DIR.resolve("Chart.yaml")));
        assertEquals(">=1.25.0-0", chart.path("kubeVersion").asText());
        assertTrue(Files.readString(Chart.DIR.resolve("README.md")).contains("Kubernetes 1.25 or later"));
        FakeCluster.get();
        assertThrows(RuntimeException.class, () -> new Helm(Chart.DIR).template().withName(Chart.RELEASE)
                .withKubeVersion("1.24.9").call());
    }

    /** helm package keeps every file the chart's README links to (the example values among them). */
    @Test
    void thePackagedChartKeepsWhatItsReadmeLinksTo() throws Exception {
        Path out = Files.createTempDirectory("package");
        new Helm(Chart.DIR).packageIt().withDestination(out).call();
        Path tgz;
        try (var files = Files.list(out)) {
            tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow();
        }
        List<String> packaged = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz)))) {
            packaged.addAll(tarNames(in.readAllBytes()));
        }
        Matcher link = Pattern.compile("\\]\\(([^)#:]+)\\)").matcher(Files.readString(Chart.DIR.resolve("README.md")));
        List<String> links = new ArrayList<>();
        while (link.find()) {
            links.add(link.group(1));
        }
        assertTrue(links.contains("values-ha-s3.yaml"), links.toString());
        for (String l : links) {
            assertTrue(packaged.contains("portcullis/" + l), l + " is linked from the README but not in " + packaged);
        }
    }

    private static List<String> tarNames(byte[] tar) {
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = new String(tar, at, 100, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("\0.*", "");
            String size = new String(tar, at + 124, 12, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("[\0 ]", "");
            long bytes = size.isEmpty() ? 0 : Long.parseLong(size, 8);
            char type = (char) tar[at + 156];
            if (type == '0' || type == '\0') {
                names.add(name);
            }
            at += 512 + (int) ((bytes + 511) / 512 * 512);
        }
        return names;
    }

    @Test
    void mariadbsServiceNameIsAHeadlessService() {
        Chart.Rendered r = Chart.render(List.of(), Map.of());
        StatefulSet mariadb = r.get(StatefulSet.class, "portcullis-mariadb");
        Service governing = r.service(mariadb.getSpec().getServiceName());
        assertEquals("None", governing.getSpec().getClusterIP());
        assertEquals(mariadb.getSpec().getSelector().getMatchLabels(), governing.getSpec().getSelector());
        assertNotNull(r.service("portcullis-mariadb").getSpec().getPorts(), "the client Service stays");
        assertEquals(null, r.service("portcullis-mariadb").getSpec().getClusterIP());
    }

    /** The HA example spreads this release's pods (not every Portcullis's) and verifies the database's certificate. */
    @Test
    void theHaExampleSpreadsThisReleaseAndVerifiesTheDatabase() {
        Chart.Rendered ha = Chart.render(List.of(Chart.HA_S3), Map.of());
        Map<String, String> podLabels = ha.portcullis().getSpec().getTemplate().getMetadata().getLabels();
        for (TopologySpreadConstraint t : ha.portcullis().getSpec().getTemplate().getSpec().getTopologySpreadConstraints()) {
            Map<String, String> selector = t.getLabelSelector().getMatchLabels();
            assertEquals(Chart.RELEASE, selector.get("app.kubernetes.io/instance"));
            selector.forEach((k, v) -> assertEquals(v, podLabels.get(k), k));
        }
        String url = ha.portcullisConfig().get("QUARKUS_DATASOURCE_JDBC_URL");
        assertTrue(url.contains("sslMode=verify-full"), url);
    }

    @Test
    void onePublicHostForBothIsRefused() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Chart.template(List.of(),
                Map.of("portcullis.host", "r.example.org", "registry.host", "r.example.org")));
        assertTrue(e.getMessage().contains("portcullis.host and registry.host"), e.getMessage());
    }

    @Test
    void autoscalingWithMoreMinimumThanMaximumIsRefused() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Chart.template(List.of(),
                Map.of("portcullis.autoscaling.enabled", true, "portcullis.autoscaling.minReplicas", 7,
                        "portcullis.autoscaling.maxReplicas", 6)));
        assertTrue(e.getMessage().contains("minReplicas"), e.getMessage());
    }

    /**
     * Rolling upgrades: a new pod may run migrations before it starts (ADR 0011), so the startup probe waits long
     * enough for one, and the old pods keep serving meanwhile.
     */
    @Test
    void aRollingUpgradeLeavesTimeForAMigrationAndKeepsTheOldPodsServing() {
        Chart.Rendered r = Chart.render(List.of(), Map.of());
        var startup = r.portcullis().getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();
        assertTrue(startup.getPeriodSeconds() * startup.getFailureThreshold() >= 600,
                startup.getPeriodSeconds() + " s x " + startup.getFailureThreshold());
        assertEquals(0, r.portcullis().getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        var longer = Chart.render(List.of(), Map.of("portcullis.startupProbe.failureThreshold", 360)).portcullis()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();
        assertEquals(360, longer.getFailureThreshold());
    }

    private static Container registry(Chart.Rendered r) {
        return r.registry().getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}
