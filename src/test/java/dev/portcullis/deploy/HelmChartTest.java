package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart, linted and rendered by Helm itself (helm-java) for the default values and for values-ha-s3.yaml; every
 * rendered document parsed strictly as its kind, the documents consistent with each other, and the wiring between
 * Portcullis and the registry checked end to end on paper.
 */
class HelmChartTest {

    static Chart.Rendered defaults;
    static Chart.Rendered haS3;

    @BeforeAll
    static void render() {
        defaults = Chart.render(List.of(), Map.of());
        haS3 = Chart.render(List.of(Chart.HA_S3), Map.of());
    }

    @Test
    void lintsStrictlyWithDefaultValues() {
        assertLintPasses(Chart.lint(null));
    }

    @Test
    void lintsStrictlyWithTheHaS3Values() {
        assertLintPasses(Chart.lint(Chart.HA_S3));
    }

    private static void assertLintPasses(LintResult lint) {
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                String.join("\n", lint.getMessages()));
    }

    /** Behind its ingress Portcullis believes forwarded headers from the ingress's addresses only; without, none. */
    @Test
    void forwardedHeadersAreBelievedFromTheIngressOnly() {
        Map<String, String> config = defaults.get(ConfigMap.class, "portcullis-config").getData();
        assertEquals("true", config.get("QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING"));
        assertEquals("true", config.get("QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED"));
        assertEquals("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", config.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES"));
        Map<String, String> narrowed = Chart.render(List.of(), Map.of("ingress.trustedProxies[0]", "10.244.0.0/16"))
                .get(ConfigMap.class, "portcullis-config").getData();
        assertEquals("10.244.0.0/16", narrowed.get("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES"));
        Map<String, String> noIngress = Chart.render(List.of(), Map.of("ingress.enabled", "false"))
                .get(ConfigMap.class, "portcullis-config").getData();
        assertFalse(noIngress.containsKey("QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING"), noIngress.toString());
    }

    @Test
    void theDefaultInstallIsCompleteAndConsistent() {
        assertEquals(new TreeSet<>(Set.of(
                "ConfigMap/portcullis-config", "ConfigMap/portcullis-dashboard", "ConfigMap/portcullis-registry-config",
                "Deployment/portcullis", "Deployment/portcullis-registry", "StatefulSet/portcullis-mariadb",
                "Service/portcullis", "Service/portcullis-management", "Service/portcullis-registry",
                "Service/portcullis-mariadb", "Service/portcullis-mariadb-headless", "Secret/portcullis-secrets", "Secret/portcullis-token-signing",
                "Secret/portcullis-database", "PersistentVolumeClaim/portcullis-registry",
                "ServiceAccount/portcullis-registry", "Ingress/portcullis", "Ingress/portcullis-registry",
                "NetworkPolicy/portcullis", "NetworkPolicy/portcullis-registry", "NetworkPolicy/portcullis-mariadb",
                "PodDisruptionBudget/portcullis")), ids(defaults));
        assertEquals(List.of(), Consistency.problems(defaults.resources(), Set.of()));
    }

    @Test
    void theHaS3InstallIsCompleteAndConsistent() {
        Set<String> ids = ids(haS3);
        for (String id : List.of("HorizontalPodAutoscaler/portcullis", "ServiceMonitor/portcullis",
                "PodDisruptionBudget/portcullis")) {
            assertTrue(ids.contains(id), id);
        }
        for (String absent : List.of("StatefulSet/portcullis-mariadb", "PersistentVolumeClaim/portcullis-registry",
                "Secret/portcullis-database", "NetworkPolicy/portcullis-mariadb")) {
            assertFalse(ids.contains(absent), absent);
        }
        assertEquals(List.of(), Consistency.problems(haS3.resources(),
                Set.of("Secret/registry-s3", "Secret/portcullis-db")));
        assertNull(haS3.portcullis().getSpec().getReplicas(), "the HPA owns the replica count");
        HorizontalPodAutoscaler hpa = haS3.get(HorizontalPodAutoscaler.class, "portcullis");
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(2, haS3.registry().getSpec().getReplicas());
    }

    /** {@code helm test}: a valid Pod that reaches Portcullis's readiness, its token endpoint and the registry. */
    @Test
    void theHelmTestPodChecksReadinessThroughTheServices() {
        List<HasMetadata> hooks = Chart.testHooks();
        assertEquals(1, hooks.size());
        Pod pod = (Pod) hooks.get(0);
        List<HasMetadata> all = new ArrayList<>(defaults.resources());
        all.add(pod);
        assertEquals(List.of(), Consistency.problems(all, Set.of()));
        Map<String, String> env = pod.getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertServicePort("portcullis-management", 9000, env.get("MANAGEMENT"));
        assertServicePort("portcullis", 80, env.get("PORTCULLIS"));
        assertServicePort("portcullis-registry", 5000, env.get("REGISTRY"));
        String script = String.join(" ", pod.getSpec().getContainers().get(0).getCommand());
        assertTrue(script.contains("$MANAGEMENT/q/health/ready"), script);
        assertEquals(defaults.registryConfig().at("/auth/token/realm").asText(), env.get("REALM"));
        assertEquals("Never", pod.getSpec().getRestartPolicy());
    }

    private static void assertServicePort(String service, int port, String url) {
        assertEquals("http://" + service + ":" + port, url);
        assertTrue(defaults.service(service).getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port),
                service + " has port " + port);
    }

    @Test
    void everyContainerRunsRestrictedWithResources() {
        for (Chart.Rendered r : List.of(defaults, haS3)) {
            for (HasMetadata workload : r.resources()) {
                io.fabric8.kubernetes.api.model.PodSpec pod = workload instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                        : workload instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec()
                        : workload instanceof Pod p ? p.getSpec() : null;
                if (pod == null) {
                    continue;
                }
                String id = workload.getKind() + "/" + workload.getMetadata().getName();
                assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), id);
                for (Container c : pod.getContainers()) {
                    var sc = c.getSecurityContext();
                    assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), id);
                    assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), id);
                    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), id);
                    assertNotNull(c.getResources().getLimits().get("memory"), id + " memory limit");
                    assertNotNull(c.getResources().getRequests().get("cpu"), id + " cpu request");
                }
            }
        }
    }

    @Test
    void everyResourceCarriesTheStandardLabels() {
        for (HasMetadata r : defaults.resources()) {
            Map<String, String> labels = r.getMetadata().getLabels();
            for (String label : List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
                    "app.kubernetes.io/component", "app.kubernetes.io/version", "app.kubernetes.io/managed-by",
                    "app.kubernetes.io/part-of", "helm.sh/chart")) {
                assertTrue(labels.containsKey(label), r.getKind() + "/" + r.getMetadata().getName() + " lacks " + label);
            }
        }
    }

    /** The registry trusts Portcullis's tokens and reports to its sink: the whole registration, with no manual step. */
    @Test
    void theRegistryIsWiredToPortcullis() {
        for (Chart.Rendered r : List.of(defaults, haS3)) {
            JsonNode token = r.registryConfig().at("/auth/token");
            Map<String, String> config = r.portcullisConfig();
            assertEquals("https://portcullis.example.com/v2/token", token.path("realm").asText());
            assertEquals(config.get("PORTCULLIS_REGISTRY_SERVICE"), token.path("service").asText());
            assertEquals("registry.example.com", token.path("service").asText(), "the registry's public host");
            assertEquals(config.get("PORTCULLIS_TOKEN_ISSUER"), token.path("issuer").asText());
            assertEquals("http://portcullis-registry:5000", config.get("PORTCULLIS_REGISTRY_URL"));

            // rootcertbundle is the certificate of the Secret Portcullis signs with
            Deployment registry = r.registry();
            var pod = registry.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            String bundle = token.path("rootcertbundle").asText();
            var mount = container.getVolumeMounts().stream().filter(m -> bundle.startsWith(m.getMountPath() + "/"))
                    .findFirst().orElseThrow();
            var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            var portcullisPod = r.portcullis().getSpec().getTemplate().getSpec();
            var signingVolume = portcullisPod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
            assertEquals(signingVolume.getSecret().getSecretName(), volume.getSecret().getSecretName());
            assertEquals("tls.crt", volume.getSecret().getItems().get(0).getKey(), "the registry gets the certificate only");

            // notifications: to Portcullis's Service, with the same events token Portcullis checks
            Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
            JsonNode endpoint = Chart.yaml(env.get("REGISTRY_NOTIFICATIONS_ENDPOINTS").getValue()).get(0);
            assertEquals("http://portcullis:80/v2/webhooks/events", endpoint.path("url").asText());
            assertTrue(r.service("portcullis").getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 80));
            assertEquals("Bearer $(PORTCULLIS_EVENTS_TOKEN)", endpoint.at("/headers/Authorization/0").asText());
            List<String> names = container.getEnv().stream().map(EnvVar::getName).toList();
            assertTrue(names.indexOf("PORTCULLIS_EVENTS_TOKEN") < names.indexOf("REGISTRY_NOTIFICATIONS_ENDPOINTS"),
                    "Kubernetes expands $(VAR) only from variables defined before");
            var registryRef = env.get("PORTCULLIS_EVENTS_TOKEN").getValueFrom().getSecretKeyRef();
            var portcullisRef = r.portcullis().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals("PORTCULLIS_EVENTS_TOKEN")).findFirst().orElseThrow()
                    .getValueFrom().getSecretKeyRef();
            assertEquals(portcullisRef.getName() + "/" + portcullisRef.getKey(), registryRef.getName() + "/" + registryRef.getKey());
            assertTrue(env.containsKey("REGISTRY_HTTP_SECRET"), "one upload secret for every replica");
        }
    }

    @Test
    void storageIsAVolumeByDefaultAndS3WithTheHaValues() {
        JsonNode fs = defaults.registryConfig().at("/storage");
        assertEquals("/var/lib/registry", fs.at("/filesystem/rootdirectory").asText());
        defaults.get(PersistentVolumeClaim.class, "portcullis-registry");

        JsonNode s3 = haS3.registryConfig().at("/storage/s3");
        assertEquals("example-registry", s3.path("bucket").asText());
        assertEquals("eu-central-1", s3.path("region").asText());
        assertEquals("/registry", s3.path("rootdirectory").asText());
        assertEquals("https://s3.example.com", s3.path("regionendpoint").asText());
        assertTrue(haS3.registryConfig().at("/storage/filesystem").isMissingNode());
        Map<String, String> keys = haS3.registry().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getName().startsWith("REGISTRY_STORAGE_S3_"))
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getName()));
        assertEquals(Map.of("REGISTRY_STORAGE_S3_ACCESSKEY", "registry-s3", "REGISTRY_STORAGE_S3_SECRETKEY", "registry-s3"), keys);

        // no existing secret: no keys at all (the node's instance role; distribution 2.8 has no web identity)
        Chart.Rendered identity = Chart.render(List.of(Chart.HA_S3), Map.of("registry.storage.s3.existingSecret", ""));
        assertTrue(identity.registry().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .noneMatch(e -> e.getName().startsWith("REGISTRY_STORAGE_S3_")));
    }

    @Test
    void theExternalDatabaseIsUsedWithItsSecret() {
        Map<String, String> config = haS3.portcullisConfig();
        assertEquals("jdbc:mariadb://mariadb.databases.svc:3306/portcullis?sslMode=verify-full", config.get("QUARKUS_DATASOURCE_JDBC_URL"));
        Map<String, String> refs = haS3.portcullis().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().startsWith("QUARKUS_DATASOURCE_"))
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getName()
                        + "/" + e.getValueFrom().getSecretKeyRef().getKey()));
        assertEquals(Map.of("QUARKUS_DATASOURCE_USERNAME", "portcullis-db/username",
                "QUARKUS_DATASOURCE_PASSWORD", "portcullis-db/password"), refs);
        assertEquals("jdbc:mariadb://portcullis-mariadb:3306/portcullis",
                defaults.portcullisConfig().get("QUARKUS_DATASOURCE_JDBC_URL"));
    }

    @Test
    void ingressesServeBothHostsWithTls() {
        Ingress portcullis = defaults.get(Ingress.class, "portcullis");
        Ingress registry = defaults.get(Ingress.class, "portcullis-registry");
        assertEquals("portcullis.example.com", portcullis.getSpec().getRules().get(0).getHost());
        assertEquals("http", portcullis.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService()
                .getPort().getName(), "never the management port");
        assertEquals("registry.example.com", registry.getSpec().getRules().get(0).getHost());
        assertEquals("portcullis-portcullis-tls", portcullis.getSpec().getTls().get(0).getSecretName());
        assertEquals("0", registry.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"));
        assertNull(portcullis.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));

        Ingress managed = haS3.get(Ingress.class, "portcullis-registry");
        assertEquals("letsencrypt-prod", managed.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
        assertEquals("nginx", managed.getSpec().getIngressClassName());

        Chart.Rendered existing = Chart.render(List.of(), Map.of("ingress.tls.portcullisSecretName", "my-cert",
                "ingress.tls.certManager.issuer", "ca", "ingress.tls.certManager.issuerKind", "Issuer"));
        Ingress withSecret = existing.get(Ingress.class, "portcullis");
        assertEquals("my-cert", withSecret.getSpec().getTls().get(0).getSecretName());
        assertEquals("ca", withSecret.getMetadata().getAnnotations().get("cert-manager.io/issuer"));
    }

    /** What the chart generates: random, of the expected size, and a signing key Portcullis itself loads. */
    @Test
    void generatedSecretsAreRandomAndTheSigningKeyLoadsInPortcullis() throws Exception {
        Chart.Rendered again = Chart.render(List.of(), Map.of());
        for (String key : List.of("events-token", "admin-password", "tokens-hash-key", "registry-http-secret")) {
            String value = defaults.secret("portcullis-secrets", key);
            assertTrue(value.matches("[A-Za-z0-9]{24,}"), key);
            assertFalse(value.equals(again.secret("portcullis-secrets", key)), key + " is random per install");
        }
        assertEquals("portcullis", defaults.secret("portcullis-database", "username"));
        assertTrue(defaults.secret("portcullis-database", "password").length() >= 32);
        assertEquals("kubernetes.io/tls", defaults.get(Secret.class, "portcullis-token-signing").getType());
        for (Secret s : defaults.all(Secret.class)) {
            assertEquals("keep", s.getMetadata().getAnnotations().get("helm.sh/resource-policy"),
                    s.getMetadata().getName() + " survives helm uninstall, so a reinstall finds the same values");
        }

        Path dir = Files.createTempDirectory("signing");
        Path key = Files.writeString(dir.resolve("tls.key"), defaults.secret("portcullis-token-signing", "tls.key"));
        Path crt = Files.writeString(dir.resolve("tls.crt"), defaults.secret("portcullis-token-signing", "tls.crt"));
        // SigningKeyLoader is package-private on purpose (only token/signing sees private keys); reach it here.
        Class<?> loader = Class.forName("dev.portcullis.token.signing.SigningKeyLoader");
        Method load = loader.getDeclaredMethod("load", Path.class, Path.class);
        load.setAccessible(true);
        Object signingKey = load.invoke(null, key, crt);
        assertEquals("ES256", signingKey.getClass().getMethod("algorithm").invoke(signingKey));

        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(crt)));
        assertEquals("CN=portcullis", certificate.getSubjectX500Principal().getName());
        assertTrue(certificate.getNotAfter().getTime() - System.currentTimeMillis() > 3000L * 24 * 3600 * 1000);
        // the certificate is the key's: what the registry checks every token against
        Method privateKey = signingKey.getClass().getDeclaredMethod("privateKey");
        privateKey.setAccessible(true);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign((java.security.PrivateKey) privateKey.invoke(signingKey));
        signer.update("token".getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update("token".getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(signature));
    }

    /** helm upgrade: lookup finds the Secrets of the first install and the chart keeps every value. */
    @Test
    void generatedSecretsSurviveAnUpgrade() {
        FakeCluster cluster = FakeCluster.get();
        Map<String, String> secrets = defaults.get(Secret.class, "portcullis-secrets").getData();
        Map<String, String> signing = defaults.get(Secret.class, "portcullis-token-signing").getData();
        Map<String, String> database = defaults.get(Secret.class, "portcullis-database").getData();
        cluster.putSecret(Chart.NAMESPACE, "portcullis-secrets", secrets);
        cluster.putSecret(Chart.NAMESPACE, "portcullis-token-signing", signing);
        cluster.putSecret(Chart.NAMESPACE, "portcullis-database", database);
        try {
            Chart.Rendered upgrade = Chart.render(List.of(), Map.of("portcullis.replicas", 3));
            assertEquals(secrets, upgrade.get(Secret.class, "portcullis-secrets").getData());
            assertEquals(signing, upgrade.get(Secret.class, "portcullis-token-signing").getData());
            assertEquals(database, upgrade.get(Secret.class, "portcullis-database").getData());
        } finally {
            cluster.clear();
        }
    }

    @Test
    void existingSecretsReplaceTheGeneratedOnes() {
        Chart.Rendered r = Chart.render(List.of(), Map.of("portcullis.existingSecret", "mine",
                "portcullis.signing.existingSecret", "my-signing", "mariadb.existingSecret", "my-db"));
        assertTrue(r.all(Secret.class).isEmpty(), "no Secret generated");
        assertEquals(List.of(), Consistency.problems(r.resources(),
                Set.of("Secret/mine", "Secret/my-signing", "Secret/my-db")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown storage type          | registry.storage.type              | gcs",
        "misspelt value (schema)       | portcullis.replicaCount            | 3",
        "unknown kid format            | portcullis.token.kidFormat         | x5t",
        "registry replicas on RWO      | registry.replicas                  | 2",
        "s3 without a bucket           | registry.storage.type              | s3",
        "external db without password  | mariadb.enabled                    | false",
        "extraConfig that is no env    | portcullis.extraConfig.foo         | bar",
    })
    void badValuesAreRefused(String what, String key, String value) {
        Object v = value.equals("false") ? Boolean.FALSE : value.matches("\\d+") ? Integer.valueOf(value) : value;
        Map<String, Object> set = new java.util.HashMap<>(Map.of(key, v));
        if (what.startsWith("external")) {
            set.put("externalDatabase.host", "db");
        }
        assertThrows(RuntimeException.class, () -> Chart.template(List.of(), set), what);
    }

    /** The chart README lists every value; values.schema.json describes every value (and refuses others). */
    @Test
    void theReadmeListsEveryValue() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode schema = json.readTree(Chart.DIR.resolve("values.schema.json").toFile());
        List<String> leaves = new ArrayList<>();
        leaves(schema, "", leaves);
        String readme = Files.readString(Chart.DIR.resolve("README.md"));
        List<String> missing = leaves.stream().filter(l -> !readme.contains("`" + l + "`")).toList();
        assertEquals(List.of(), missing, "values missing from helm/portcullis/README.md");
        JsonNode values = Chart.yaml(Files.readString(Chart.DIR.resolve("values.yaml")));
        List<String> valueLeaves = new ArrayList<>();
        valueLeaves(values, schema, "", valueLeaves);
        assertEquals(new TreeSet<>(leaves), new TreeSet<>(valueLeaves), "values.yaml and the schema list the same values");
    }

    private static void leaves(JsonNode schema, String prefix, List<String> out) {
        schema.path("properties").fields().forEachRemaining(e -> {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().has("properties")) {
                leaves(e.getValue(), path, out);
            } else {
                out.add(path);
            }
        });
    }

    private static void valueLeaves(JsonNode values, JsonNode schema, String prefix, List<String> out) {
        values.fields().forEachRemaining(e -> {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode s = schema.path("properties").path(e.getKey());
            if (s.has("properties")) {
                valueLeaves(e.getValue(), s, path, out);
            } else {
                out.add(path);
            }
        });
    }

    /** Every PORTCULLIS_* or QUARKUS_* variable the chart sets is one the project README documents. */
    @Test
    void everyVariableTheChartSetsIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`((?:PORTCULLIS|QUARKUS)_[A-Z0-9_]+)`").matcher(readme);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> set = new TreeSet<>(defaults.portcullisConfig().keySet());
        defaults.portcullis().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .forEach(e -> set.add(e.getName()));
        set.removeAll(documented);
        assertEquals(Set.of(), set, "set by the chart but not in README.md's configuration table");
    }

    static Set<String> ids(Chart.Rendered r) {
        return r.resources().stream().map(x -> x.getKind() + "/" + x.getMetadata().getName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

}
