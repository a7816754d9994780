package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.testsupport.DebianPackages;
import dev.portcullis.testsupport.FreePort;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two registries sharing one storage, as two replicas of the chart's registry Deployment do: Debian's
 * distribution 2.8 twice, each with the config.yml the chart renders for registry.replicas=2 and the bundled Redis,
 * and Debian's redis-server started with the bundled Redis container's own arguments. A blob deleted through one
 * replica is gone for the other. With the in-memory cache (what the chart now refuses) the other replica goes on
 * answering 200 for the deleted blob: that is the defect, shown by the same steps.
 */
class ChartRegistryCacheRunTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aBlobDeletedThroughOneReplicaIsGoneForTheOtherWithTheChartsRedis() throws Exception {
        assertEquals(404, headAfterDeleteThroughTheOther("redis"));
    }

    @Test
    void withInMemoryCachesTheOtherReplicaStillSeesTheDeletedBlob() throws Exception {
        assertEquals(200, headAfterDeleteThroughTheOther("inmemory"));
    }

    /** HEAD of a blob through replica B after replica A deleted it (B had seen it before). */
    private static int headAfterDeleteThroughTheOther(String cache) throws Exception {
        Path registryBinary = DebianPackages.require("docker-registry", "docker-registry");
        Path redisBinary = DebianPackages.require("redis-server", "redis-server");
        Chart.Rendered chart = Chart.render(List.of(), Map.of("registry.replicas", 2,
                "registry.storage.filesystem.accessMode", "ReadWriteMany", "registry.cache.type", "redis"));
        Path dir = Files.createDirectories(Path.of("target/chart-registry-cache").resolve(cache + "-" + System.nanoTime()));
        List<Process> processes = new ArrayList<>();
        try {
            // Redis as the chart runs it: the container's arguments, on a free loopback port and a directory here
            Container redis = chart.get(Deployment.class, "portcullis-registry-redis").getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            int redisPort = FreePort.next();
            List<String> command = new ArrayList<>(List.of(redisBinary.toString()));
            List<String> args = new ArrayList<>(redis.getArgs());
            args.set(args.indexOf("--port") + 1, String.valueOf(redisPort));
            args.set(args.indexOf("--dir") + 1, Files.createDirectories(dir.resolve("redis")).toAbsolutePath().toString());
            command.addAll(args);
            command.addAll(List.of("--bind", "127.0.0.1"));
            processes.add(start(command, Map.of(), dir.resolve("redis.log")));
            awaitPort(redisPort, processes.get(0), dir.resolve("redis.log"));

            // config.yml as rendered; only addresses and paths move to this machine. The token auth is left out:
            // it is not what is tested here, and an anonymous registry lets the test push without tokens.
            ObjectNode config = (ObjectNode) YAML.readTree(chart.get(ConfigMap.class, "portcullis-registry-config")
                    .getData().get("config.yml"));
            assertEquals("redis", config.at("/storage/cache/blobdescriptor").asText());
            assertEquals("true", config.at("/storage/delete/enabled").asText());
            config.remove("auth");
            ((ObjectNode) config.at("/storage/filesystem")).put("rootdirectory", dir.resolve("data").toAbsolutePath().toString());
            ((ObjectNode) config.at("/redis")).put("addr", "127.0.0.1:" + redisPort);
            ((ObjectNode) config.at("/storage/cache")).put("blobdescriptor", cache);
            int[] ports = {FreePort.next(), FreePort.next()};
            for (int i = 0; i < 2; i++) {
                ((ObjectNode) config.get("http")).put("addr", "127.0.0.1:" + ports[i]);
                Path file = dir.resolve("config-" + i + ".yml");
                YAML.writeValue(file.toFile(), config);
                Path log = dir.resolve("registry-" + i + ".log");
                processes.add(start(List.of(registryBinary.toString(), "serve", file.toString()),
                        Map.of("REGISTRY_HTTP_SECRET", "one-secret-for-both-replicas"), log));
                awaitPort(ports[i], processes.get(processes.size() - 1), log);
            }
            String a = "http://127.0.0.1:" + ports[0];
            String b = "http://127.0.0.1:" + ports[1];

            byte[] blob = ("a layer " + cache).getBytes(StandardCharsets.UTF_8);
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            String blobPath = "/v2/chart/cache/blobs/" + digest;
            HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create(a + "/v2/chart/cache/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, started.statusCode(), started.body());
            String location = started.headers().firstValue("Location").orElseThrow();
            URI put = URI.create(location.startsWith("http") ? location : a + location);
            put = URI.create(put + (put.getQuery() == null ? "?" : "&") + "digest=" + digest);
            HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(put)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, pushed.statusCode(), pushed.body());
            assertEquals(200, head(b + blobPath), "replica B sees the blob replica A stored (and caches it)");

            HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create(a + blobPath)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, deleted.statusCode(), deleted.body());
            assertEquals(404, head(a + blobPath), "replica A no longer has it");
            assertTrue(Files.notExists(dir.resolve("data/docker/registry/v2/repositories/chart/cache/_layers/sha256")
                    .resolve(digest.substring(7)).resolve("link")), "the link is gone from the shared storage");
            return head(b + blobPath);
        } finally {
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static int head(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), () -> "exited: " + read(log));
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("not listening on " + port + ": " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
