package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Several registry replicas with deletes: each replica's in-memory blob-descriptor cache would go on answering
 * "exists" for a blob another replica deleted. The chart refuses that combination and offers Redis, bundled or
 * external, as the one cache every replica shares.
 */
class ChartRegistryCacheTest {

    @Test
    void severalReplicasWithDeletesRefuseTheInMemoryCache() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Chart.template(List.of(Chart.HA_S3),
                Map.of("registry.cache.type", "inmemory")));
        assertTrue(e.getMessage().contains("registry.cache.type=redis"), e.getMessage());
        // without deletes a stale "exists" cannot happen; one replica has one cache
        Chart.template(List.of(Chart.HA_S3), Map.of("registry.cache.type", "inmemory", "registry.deleteEnabled", false));
        assertEquals("inmemory", Chart.render(List.of(), Map.of()).registryConfig().at("/storage/cache/blobdescriptor").asText());
    }

    @Test
    void theBundledRedisIsTheCacheOfEveryReplica() {
        Chart.Rendered ha = Chart.render(List.of(Chart.HA_S3), Map.of());
        JsonNode config = ha.registryConfig();
        assertEquals("redis", config.at("/storage/cache/blobdescriptor").asText());
        assertEquals("portcullis-registry-redis:6379", config.at("/redis/addr").asText());
        Deployment redis = ha.get(Deployment.class, "portcullis-registry-redis");
        Container c = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("docker.io/library/redis:7.4", c.getImage());
        assertEquals("", c.getArgs().get(c.getArgs().indexOf("--save") + 1), "a cache: nothing written to disk");
        assertTrue(ha.service("portcullis-registry-redis").getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 6379));
        assertEquals(List.of("pods {app.kubernetes.io/component=registry,app.kubernetes.io/instance=portcullis,"
                + "app.kubernetes.io/name=portcullis}"), ChartNetworkPolicyTest.sources(ha, "portcullis-registry-redis", 6379));
        assertEquals(List.of(), Consistency.problems(ha.resources(), Set.of("Secret/registry-s3", "Secret/portcullis-db")));
        assertFalse(HelmChartTest.ids(Chart.render(List.of(), Map.of())).contains("Deployment/portcullis-registry-redis"));
    }

    @Test
    void anExternalRedisWithItsPasswordFromASecret() {
        Chart.Rendered r = Chart.render(List.of(Chart.HA_S3), Map.of("registry.cache.redis.bundled", false,
                "registry.cache.redis.addr", "redis.cache.svc:6379", "registry.cache.redis.db", 3,
                "registry.cache.redis.existingSecret", "registry-redis"));
        assertEquals("redis.cache.svc:6379", r.registryConfig().at("/redis/addr").asText());
        assertEquals(3, r.registryConfig().at("/redis/db").asInt());
        assertTrue(r.registryConfig().at("/redis/password").isMissingNode(), "no password in a ConfigMap");
        EnvVar password = r.registry().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("REGISTRY_REDIS_PASSWORD")).findFirst().orElseThrow();
        assertEquals("registry-redis/password", password.getValueFrom().getSecretKeyRef().getName() + "/"
                + password.getValueFrom().getSecretKeyRef().getKey());
        assertFalse(HelmChartTest.ids(r).contains("Deployment/portcullis-registry-redis"));
        assertThrows(RuntimeException.class, () -> Chart.template(List.of(Chart.HA_S3),
                Map.of("registry.cache.redis.bundled", false)), "an external Redis needs its address");
    }
}
