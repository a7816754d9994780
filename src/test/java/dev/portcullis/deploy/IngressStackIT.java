package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.DebianImages;
import dev.portcullis.testsupport.DockerArchive;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.HostsProxy;
import dev.portcullis.testsupport.NginxProxy;
import dev.portcullis.testsupport.S3Server;
import dev.portcullis.testsupport.TestCa;
import dev.portcullis.testsupport.kubelet.IngressNginx;
import dev.portcullis.testsupport.kubelet.Kubelet;
import dev.portcullis.testsupport.kubelet.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart with TLS and S3 values, run by the harness ({@link Kubelet}) behind Debian's nginx configured from the
 * rendered Ingresses (hosts, paths, backends, the TLS Secrets from a test CA, ingress-nginx's annotations
 * translated), the registry on S3Proxy: a user logs in with docker to the registry's https host as the admin the
 * chart creates, pushes an image of three layers (56 MiB, chunked uploads through nginx to S3), removes it, pulls it
 * back, sees the push in the activity feed over https and in the metrics; then {@code helm upgrade} with changed
 * values keeps the secrets and the data.
 */
class IngressStackIT {

    static final Duration READY = HelmStackIT.READY;
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    /** Host names of this run only: certs.d entries on the machine never clash with another run's. */
    static final String PORTCULLIS_HOST = "portcullis-" + RUN + ".stack.test";
    static final String REGISTRY_HOST = "registry-" + RUN + ".stack.test";
    static final Path CERTS_D = Path.of("/etc/docker/certs.d");

    static Path work;
    static HostsProxy proxy;
    static DockerDaemon docker;
    static Map<String, String> images;
    static String pause;

    @BeforeAll
    static void images() throws IOException {
        work = Files.createDirectories(Path.of("target/ingress-stack-" + RUN).toAbsolutePath());
        proxy = HostsProxy.start(Map.of());
        // dockerd reaches the ingress's public names through the proxy (no DNS knows them here).
        docker = DockerDaemon.start(work.resolve("docker"), Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", ""),
                DockerDaemon.fastestStorageDriver(work));
        images = HelmStackIT.images(docker);
        pause = DebianImages.load(docker, DebianImages.JRE);
    }

    @AfterAll
    static void stop() {
        if (docker != null) {
            docker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (String host : List.of(PORTCULLIS_HOST, REGISTRY_HOST)) {
            Path dir = CERTS_D.resolve(host);
            dir.resolve("ca.crt").toFile().delete();
            dir.toFile().delete();
        }
    }

    @Test
    void behindTlsOnS3AUserPushesAndPullsAndAnUpgradeKeepsSecretsAndData() throws Exception {
        TestCa ca = TestCa.create();
        try (S3Server s3 = S3Server.start()) {
            String s3Host = "s3-" + RUN + ".stack.test";
            // The operator's values file for TLS and S3 (the chart's hosts, the bucket and its keys' Secret).
            Path values = Files.writeString(work.resolve("values-tls-s3.yaml"), """
                    portcullis:
                      host: %s
                    registry:
                      host: %s
                      storage:
                        type: s3
                        s3:
                          bucket: %s
                          region: %s
                          regionendpoint: http://%s:%d
                          secure: false
                          existingSecret: registry-s3
                    ingress:
                      tls:
                        enabled: true
                      # Every peer of the pods is 127.0.0.1 here (the harness's relays): the ingress's address.
                      trustedProxies: ["127.0.0.1/32"]
                    """.formatted(PORTCULLIS_HOST, REGISTRY_HOST, s3.bucket(), s3.region(), s3Host, s3.port()));
            Chart.Rendered rendered = Chart.render(List.of(values), Map.of());
            List<HasMetadata> resources = new ArrayList<>(rendered.resources());
            // What the operator brings: the S3 keys, and the TLS Secrets (cert-manager's job, the test CA here).
            resources.add(secret("registry-s3", Map.of("accesskey", s3.accessKey(), "secretkey", s3.secretKey())));
            for (String which : List.of("portcullis", "registry")) {
                String host = which.equals("portcullis") ? PORTCULLIS_HOST : REGISTRY_HOST;
                TestCa.Issued cert = ca.issue(work.resolve("tls"), which, host);
                resources.add(secret("portcullis-" + which + "-tls", Map.of("tls.crt", Files.readString(cert.certificate()),
                        "tls.key", Files.readString(cert.key()))));
            }
            for (String host : List.of(PORTCULLIS_HOST, REGISTRY_HOST)) {
                Files.createDirectories(CERTS_D.resolve(host));
                Files.writeString(CERTS_D.resolve(host).resolve("ca.crt"), ca.certificatePem());
            }
            Manifests manifests = new Manifests(resources);
            long install = System.nanoTime();
            try (Kubelet kubelet = new Kubelet(docker, images, pause, work.resolve("tls-s3"),
                    Map.of(s3Host, s3.port()));
                    NginxProxy nginx = ingress(kubelet, manifests)) {
                kubelet.apply(manifests);
                proxy.route(PORTCULLIS_HOST, nginx.port());
                proxy.route(REGISTRY_HOST, nginx.port());
                kubelet.awaitReady(READY);

                String admin = rendered.secret("portcullis-secrets", "admin-password");
                String ref = REGISTRY_HOST + "/admin/big:1";
                Path tar = DockerArchive.write(work.resolve("big.tar"), List.of(ref),
                        new int[] {24 << 20, 20 << 20, 12 << 20}, new Random(14));
                docker.docker("load", "-i", tar.toString()).orThrow();
                assertTrue(docker.login(REGISTRY_HOST, "admin", admin).orThrow().output().contains("Login Succeeded"));
                docker.docker("push", ref).orThrow();
                long firstPush = System.nanoTime() - install;
                String imageId = docker.docker("image", "inspect", "--format", "{{.Id}}", ref).orThrow().output().strip();
                docker.docker("rmi", ref).orThrow();
                docker.docker("pull", ref).orThrow();
                assertEquals(imageId, docker.docker("image", "inspect", "--format", "{{.Id}}", ref).orThrow().output().strip());
                assertTrue(s3.listObjects("").stream().anyMatch(o -> o.size() >= 24 << 20), "the layers are in the bucket");

                HttpClient https = https(ca);
                HttpResponse<String> page = https.send(get("https://" + PORTCULLIS_HOST + "/"), HttpResponse.BodyHandlers.ofString());
                assertTrue(page.statusCode() < 400, () -> page.statusCode() + " " + page.body());
                assertTrue(page.headers().firstValue("Strict-Transport-Security").isPresent(), "HSTS on https");
                awaitActivity(https, admin, "admin/big");
                // Each replica counts what it stored; the management Service answers from one replica at a time.
                String metrics = "";
                boolean counted = false;
                for (int i = 0; i < 20 && !counted; i++) {
                    metrics = HttpClient.newHttpClient().send(get("http://127.0.0.1:"
                            + kubelet.hostPort("portcullis-management", 9000) + "/q/metrics"),
                            HttpResponse.BodyHandlers.ofString()).body();
                    counted = metrics.lines().anyMatch(l -> l.startsWith("portcullis_namespace_activities_total")
                            && l.contains("action=\"push\"") && l.contains("registry_namespace=\"admin\"")
                            && !l.endsWith(" 0.0"));
                    Thread.sleep(250);
                }
                assertTrue(counted, "the push is counted: " + grep(metrics, "namespace_activities"));
                System.out.printf("IngressStackIT: install to first push %d s (images built before)%n",
                        Duration.ofNanos(firstPush).toSeconds());

                // helm upgrade with changed values: lookup finds the Secrets the cluster holds.
                for (Secret s : manifests.all(Secret.class)) {
                    FakeCluster.get().putSecret(Chart.NAMESPACE, s.getMetadata().getName(), s.getData());
                }
                Path changed = Files.writeString(work.resolve("values-changed.yaml"), """
                        portcullis:
                          replicas: 1
                          extraConfig:
                            PORTCULLIS_METRICS_NAMESPACE_LABELS: "30"
                        """);
                Chart.Rendered upgraded = Chart.render(List.of(values, changed), Map.of());
                FakeCluster.get().clear();
                for (String[] key : new String[][] {{"portcullis-secrets", "events-token"},
                        {"portcullis-secrets", "session-key"}, {"portcullis-secrets", "tokens-hash-key"},
                        {"portcullis-token-signing", "tls.key"}, {"portcullis-database", "password"}}) {
                    assertEquals(rendered.secret(key[0], key[1]), upgraded.secret(key[0], key[1]), key[0] + "/" + key[1]);
                }
                List<HasMetadata> next = new ArrayList<>(upgraded.resources());
                resources.stream().filter(r -> r.getMetadata().getName().equals("registry-s3")
                        || r.getMetadata().getName().endsWith("-tls")).forEach(next::add);
                kubelet.apply(new Manifests(next));
                kubelet.awaitReady(READY);
                assertEquals(1, kubelet.readiness("deployment/portcullis").size());
                docker.docker("rmi", ref).orThrow();
                docker.docker("pull", ref).orThrow(); // the same docker login: the refresh token survived
                awaitActivity(https, admin, "admin/big");
            }
        }
    }

    /** Debian's nginx configured from the rendered Ingresses: host, paths to Service ports, TLS Secret, annotations. */
    static NginxProxy ingress(Kubelet kubelet, Manifests manifests) throws IOException {
        List<NginxProxy.Site> sites = new ArrayList<>();
        kubelet.services(manifests); // the backends' ports, before any pod runs
        for (Ingress ingress : manifests.all(Ingress.class)) {
            var tls = ingress.getSpec().getTls().get(0);
            Map<String, byte[]> secret = manifests.secret(tls.getSecretName());
            Path dir = Files.createDirectories(work.resolve("ingress").resolve(ingress.getMetadata().getName()));
            Files.write(dir.resolve("tls.crt"), secret.get("tls.crt"));
            Files.write(dir.resolve("tls.key"), secret.get("tls.key"));
            for (IngressRule rule : ingress.getSpec().getRules()) {
                Map<String, Integer> backends = new LinkedHashMap<>();
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    var service = path.getBackend().getService();
                    backends.put(path.getPath(), kubelet.hostPort(service.getName(), servicePort(manifests,
                            service.getName(), service.getPort().getName(), service.getPort().getNumber())));
                }
                sites.add(new NginxProxy.Site(rule.getHost(), new TestCa.Issued(dir.resolve("tls.crt"),
                        dir.resolve("tls.key")), backends, false,
                        IngressNginx.directives(ingress.getMetadata().getAnnotations())));
            }
        }
        return NginxProxy.start(work.resolve("nginx-" + System.nanoTime()), sites);
    }

    static int servicePort(Manifests manifests, String service, String name, Integer number) {
        if (number != null) {
            return number;
        }
        return manifests.find(io.fabric8.kubernetes.api.model.Service.class, service).orElseThrow().getSpec().getPorts()
                .stream().filter(p -> name.equals(p.getName())).findFirst().orElseThrow().getPort();
    }

    static void awaitActivity(HttpClient https, String admin, String repository) throws Exception {
        String body = "";
        for (int i = 0; i < 120; i++) {
            body = https.send(get("https://" + PORTCULLIS_HOST + "/api/v1/activities", "admin", admin),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains(repository)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no activity of " + repository + " in " + body);
    }

    static HttpClient https(TestCa ca) {
        return HttpClient.newBuilder().sslContext(ca.trustingContext())
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static Secret secret(String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(Chart.NAMESPACE)
                .build()).withData(data).build();
    }

    static HttpRequest get(String url) {
        return HelmStackIT.get(url);
    }

    static HttpRequest get(String url, String user, String password) {
        return HelmStackIT.get(url, user, password);
    }

    static String grep(String text, String word) {
        return String.join("\n", text.lines().filter(l -> l.contains(word)).toList());
    }
}
