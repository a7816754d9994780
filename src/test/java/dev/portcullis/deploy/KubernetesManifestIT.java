package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifests quarkus-kubernetes wrote at package time carry the three probes from smallrye-health. */
class KubernetesManifestIT {

    @Test
    void theDeploymentHasLivenessReadinessAndStartupProbes() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class)
                .readValues(Path.of("target/kubernetes/kubernetes.yml").toFile())) {
            it.forEachRemaining(documents::add);
        }
        JsonNode deployment = documents.stream().filter(d -> "Deployment".equals(d.path("kind").asText()))
                .findFirst().orElseThrow();
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        assertTrue(documents.stream().anyMatch(d -> "Service".equals(d.path("kind").asText())));
    }
}
