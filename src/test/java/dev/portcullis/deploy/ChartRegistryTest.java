package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.testsupport.DebianPackages;
import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.Skopeo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/**
 * The chart's registry, run for real: Debian's distribution 2.8 started with the config.yml and the environment
 * the chart renders (secrets resolved from the chart's generated Secrets, $(VAR) expanded as Kubernetes does),
 * only addresses and paths moved to this machine. It must send clients to Portcullis's realm, accept a token
 * signed with the chart's generated key, and deliver the push event with the chart's events token.
 */
class ChartRegistryTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @Test
    void theRenderedRegistryTrustsTheChartsKeyAndNotifiesPortcullis() throws Exception {
        Path registryBinary = DebianPackages.require("docker-registry", "docker-registry");
        Chart.Rendered chart = Chart.render(List.of(), Map.of());
        Path dir = Files.createTempDirectory("chart-registry");

        // Portcullis's sink, stood in for by a stub that records the Authorization header of each delivery
        BlockingQueue<String> deliveries = new LinkedBlockingQueue<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/v2/webhooks/events", exchange -> {
            exchange.getRequestBody().readAllBytes();
            deliveries.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sink.start();
        int port = FreePort.next();
        Process registry = null;
        try {
            // config.yml as rendered; only the listen address and the file locations change
            ObjectNode config = (ObjectNode) YAML.readTree(chart.get(io.fabric8.kubernetes.api.model.ConfigMap.class,
                    "portcullis-registry-config").getData().get("config.yml"));
            ((ObjectNode) config.get("http")).put("addr", "127.0.0.1:" + port);
            ((ObjectNode) config.at("/storage/filesystem")).put("rootdirectory", dir.resolve("data").toString());
            Path bundle = Files.writeString(dir.resolve("tls.crt"), chart.secret("portcullis-token-signing", "tls.crt"));
            ((ObjectNode) config.at("/auth/token")).put("rootcertbundle", bundle.toString());
            Path configFile = dir.resolve("config.yml");
            YAML.writeValue(configFile.toFile(), config);

            Container container = chart.registry().getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> env = environment(chart, container.getEnv());
            env.put("REGISTRY_NOTIFICATIONS_ENDPOINTS", env.get("REGISTRY_NOTIFICATIONS_ENDPOINTS")
                    .replace("http://portcullis:80", "http://127.0.0.1:" + sink.getAddress().getPort()));
            ProcessBuilder pb = new ProcessBuilder(registryBinary.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile());
            pb.environment().putAll(env);
            registry = pb.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            awaitUp(http, port, registry, dir.resolve("registry.log"));

            // docker login is sent to Portcullis's public token endpoint, for the registry's public host
            HttpResponse<String> challenge = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, challenge.statusCode());
            assertEquals("Bearer realm=\"https://portcullis.example.com/v2/token\",service=\"registry.example.com\"",
                    challenge.headers().firstValue("WWW-Authenticate").orElseThrow());

            // a token signed with the chart's generated key, as Portcullis would issue it, lets a push through
            String token = token(chart, "chart/test");
            Path image = OciImage.write(dir.resolve("image"), "1", "hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
            Skopeo.run(List.of("copy", "--dest-tls-verify=false", "--dest-registry-token", token,
                    "oci:" + image.toAbsolutePath() + ":1", "docker://127.0.0.1:" + port + "/chart/test:1")).orThrow();

            // and the push reaches the sink with the events token from the chart's Secret
            String delivery = deliveries.poll(15, TimeUnit.SECONDS);
            assertEquals("/v2/webhooks/events Bearer " + chart.secret("portcullis-secrets", "events-token"), delivery,
                    "registry log: " + Files.readString(dir.resolve("registry.log")));
        } finally {
            if (registry != null) {
                registry.destroy();
                if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                    registry.destroyForcibly();
                }
            }
            sink.stop(0);
        }
    }

    /** The container's environment as the kubelet builds it: Secret values resolved, $(VAR) from earlier entries. */
    static Map<String, String> environment(Chart.Rendered chart, List<EnvVar> env) {
        Map<String, String> out = new HashMap<>();
        for (EnvVar e : env) {
            String value;
            if (e.getValueFrom() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                value = chart.secret(ref.getName(), ref.getKey());
            } else {
                Matcher m = VAR.matcher(e.getValue());
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, Matcher.quoteReplacement(out.getOrDefault(m.group(1), m.group())));
                }
                value = m.appendTail(sb).toString();
            }
            out.put(e.getName(), value);
        }
        return out;
    }

    /** A registry token for pull and push on one repository, ES256 with x5c, signed with the chart's key. */
    private static String token(Chart.Rendered chart, String repository) throws Exception {
        Path dir = Files.createTempDirectory("signing");
        Path key = Files.writeString(dir.resolve("tls.key"), chart.secret("portcullis-token-signing", "tls.key"));
        Path crt = Files.writeString(dir.resolve("tls.crt"), chart.secret("portcullis-token-signing", "tls.crt"));
        Method load = Class.forName("dev.portcullis.token.signing.SigningKeyLoader")
                .getDeclaredMethod("load", Path.class, Path.class);
        load.setAccessible(true);
        Object signingKey = load.invoke(null, key, crt);
        Method privateKey = signingKey.getClass().getDeclaredMethod("privateKey");
        privateKey.setAccessible(true);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(crt)));

        JsonNode tokenConfig = Chart.yaml(chart.get(io.fabric8.kubernetes.api.model.ConfigMap.class,
                "portcullis-registry-config").getData().get("config.yml")).at("/auth/token");
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(tokenConfig.path("issuer").asText());
        claims.setAudience(tokenConfig.path("service").asText());
        claims.setSubject("chart-test");
        claims.setGeneratedJwtId();
        claims.setIssuedAtToNow();
        claims.setNotBeforeMinutesInThePast(1);
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("access", List.of(Map.of("type", "repository", "name", repository,
                "actions", List.of("pull", "push"))));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey((PrivateKey) privateKey.invoke(signingKey));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setCertificateChainHeaderValue(certificate);
        jws.setHeader("typ", "JWT");
        return jws.getCompactSerialization();
    }

    private static void awaitUp(HttpClient http, int port, Process registry, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            assertTrue(registry.isAlive(), () -> "the registry exited: " + read(log));
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the registry did not come up: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
