package dev.portcullis.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The smallest Kubernetes API the chart's {@code lookup} calls need: discovery of v1 and GET of a Secret.
 *
 * <p>helm-java renders {@code template} with dry-run option "none", which lets {@code lookup} reach the cluster of
 * the current kubeconfig (with none, http://localhost:8080, which may be anyone's server on this machine). The
 * build therefore points {@code KUBECONFIG} at a file this class writes (see the surefire/failsafe configuration
 * in pom.xml), naming this server on a random loopback port. A Secret put here is what {@code lookup} finds: that
 * is how the tests prove generated secrets survive {@code helm upgrade}.
 */
final class FakeCluster {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
    private static FakeCluster instance;

    private final Map<String, Map<String, Object>> secrets = new ConcurrentHashMap<>();

    private FakeCluster() {
    }

    /** Starts the server once per JVM and writes the kubeconfig that KUBECONFIG names. */
    static synchronized FakeCluster get() {
        if (instance == null) {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || kubeconfig.isBlank()) {
                throw new AssertionError("KUBECONFIG must name a file for the fake cluster (set by pom.xml for "
                        + "surefire and failsafe); without it Helm's lookup calls http://localhost:8080");
            }
            instance = new FakeCluster();
            instance.start(Path.of(kubeconfig));
        }
        return instance;
    }

    private void start(Path kubeconfig) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(null);
            server.start();
            Files.createDirectories(kubeconfig.toAbsolutePath().getParent());
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: fake
                        cluster:
                          server: http://127.0.0.1:%d
                    contexts:
                      - name: fake
                        context: {cluster: fake, user: fake, namespace: default}
                    current-context: fake
                    users:
                      - name: fake
                        user: {token: fake}
                    """.formatted(server.getAddress().getPort()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code lookup "v1" "Secret" namespace name} find this Secret (data values base64, as stored). */
    void putSecret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, Map.of("apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", name, "namespace", namespace), "data", data));
    }

    void clear() {
        secrets.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Object body;
        int status = 200;
        Matcher secret = SECRET.matcher(path);
        if (!"GET".equals(exchange.getRequestMethod())) {
            status = 405;
            body = status("MethodNotAllowed", 405);
        } else if (path.equals("/api")) {
            body = Map.of("kind", "APIVersions", "versions", List.of("v1"), "serverAddressByClientCIDRs", List.of());
        } else if (path.equals("/apis")) {
            body = Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", List.of());
        } else if (path.equals("/api/v1")) {
            body = Map.of("kind", "APIResourceList", "groupVersion", "v1", "resources", List.of(Map.of(
                    "name", "secrets", "singularName", "secret", "namespaced", true, "kind", "Secret",
                    "verbs", List.of("get", "list"))));
        } else if (secret.matches() && secrets.containsKey(secret.group(1) + "/" + secret.group(2))) {
            body = secrets.get(secret.group(1) + "/" + secret.group(2));
        } else {
            status = 404;
            body = status("NotFound", 404);
        }
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, Object> status(String reason, int code) {
        return Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", reason, "code", code,
                "message", reason);
    }
}
