package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.DebianImages;
import dev.portcullis.testsupport.DockerDaemon;
import dev.portcullis.testsupport.HostsProxy;
import dev.portcullis.testsupport.PortcullisImage;
import dev.portcullis.testsupport.kubelet.Kubelet;
import dev.portcullis.testsupport.kubelet.Manifests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole chart, run as a kubelet would ({@link Kubelet}) under a test dockerd, on images made from Debian
 * packages: Portcullis (the project's image), distribution (Debian's docker-registry) and MariaDB (Debian's
 * mariadb-server), with the default values: every pod ready, each Service reaching its pods by the chart's names
 * (Portcullis its MariaDB, the registry's challenge naming the public token endpoint). {@link IngressStackIT} runs
 * the TLS and S3 values behind an ingress.
 */
class HelmStackIT {

    static final Duration READY = Duration.ofMinutes(6);
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    static Path work;
    static HostsProxy proxy;
    static DockerDaemon docker;
    static Map<String, String> images;
    static String pause;

    @BeforeAll
    static void images() throws IOException {
        work = Files.createDirectories(Path.of("target/helm-stack-" + RUN).toAbsolutePath());
        proxy = HostsProxy.start(Map.of());
        docker = DockerDaemon.start(work.resolve("docker"), Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", ""),
                DockerDaemon.fastestStorageDriver(work));
        images = images(docker);
        pause = DebianImages.load(docker, DebianImages.JRE);
    }

    /** The chart's image repositories, each to the test image that stands in for it. */
    static Map<String, String> images(DockerDaemon docker) {
        return Map.of(
                "docker.io/portcullis/portcullis", PortcullisImage.build(docker),
                "docker.io/library/registry", DebianImages.load(docker, DebianImages.REGISTRY),
                "docker.io/library/mariadb", DebianImages.load(docker, DebianImages.MARIADB));
    }

    @AfterAll
    static void stop() {
        if (docker != null) {
            docker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theDefaultValuesRunAsAKubeletWouldRunThem() throws Exception {
        Chart.Rendered rendered = Chart.render(List.of(), Map.of());
        try (Kubelet kubelet = new Kubelet(docker, images, pause, work.resolve("default"), Map.of())) {
            kubelet.apply(new Manifests(rendered.resources()));
            kubelet.awaitReady(READY);
            assertEquals(2, kubelet.readiness("deployment/portcullis").size(), "the chart's two replicas");
            assertTrue(kubelet.readiness("deployment/portcullis").values().stream().allMatch(r -> r));
            assertEquals(Map.of("portcullis-mariadb-0", true), kubelet.readiness("statefulset/portcullis-mariadb"));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(get("http://127.0.0.1:"
                    + kubelet.hostPort("portcullis-management", 9000) + "/q/health/ready"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready::body);
            // The registry sends clients to the public https token endpoint, for its public host.
            HttpResponse<String> challenge = http.send(get("http://127.0.0.1:"
                    + kubelet.hostPort("portcullis-registry", 5000) + "/v2/"), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, challenge.statusCode());
            assertEquals("Bearer realm=\"https://portcullis.example.com/v2/token\",service=\"registry.example.com\"",
                    challenge.headers().firstValue("WWW-Authenticate").orElse(""));
            // The admin the chart configures, with its generated password, through the Service to MariaDB's.
            String admin = rendered.secret("portcullis-secrets", "admin-password");
            HttpResponse<String> token = http.send(get("http://127.0.0.1:" + kubelet.hostPort("portcullis", 80)
                    + "/v2/token?service=registry.example.com&scope=repository:admin/app:push,pull", "admin", admin),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode(), token::body);
            System.out.printf("HelmStackIT: default values ready, %d container restarts%n", kubelet.restarts());
        }
    }

    static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
    }

    static HttpRequest get(String url, String user, String password) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build();
    }
}
