package dev.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What {@code kubectl kustomize k8s/} renders, computed without kustomize for the subset k8s/kustomization.yaml
 * uses: {@code resources} (files), {@code namespace}, and {@code configMapGenerator} from files with
 * {@code disableNameSuffixHash} and labels. A field beyond that subset fails, so this can never quietly render
 * something else than kustomize would.
 */
final class Kustomization {

    static final Path DIR = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "resources", "configMapGenerator");
    /** Kinds that live outside namespaces (kustomize leaves them alone). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume", "ClusterIssuer");

    private Kustomization() {
    }

    static List<JsonNode> render() {
        try {
            JsonNode k = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
            for (Iterator<String> it = k.fieldNames(); it.hasNext();) {
                String field = it.next();
                if (!SUPPORTED.contains(field)) {
                    throw new AssertionError("k8s/kustomization.yaml uses " + field + ", which this renderer does not know");
                }
            }
            String namespace = k.path("namespace").asText(null);
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode resource : k.path("resources")) {
                out.addAll(StrictManifests.documents(Files.readString(DIR.resolve(resource.asText()))));
            }
            for (JsonNode generator : k.path("configMapGenerator")) {
                for (Iterator<String> it = generator.fieldNames(); it.hasNext();) {
                    String field = it.next();
                    if (!Set.of("name", "files", "options").contains(field)) {
                        throw new AssertionError("configMapGenerator." + field + " is not supported here");
                    }
                }
                if (!generator.at("/options/disableNameSuffixHash").asBoolean(false)) {
                    throw new AssertionError("configMapGenerator without disableNameSuffixHash: the name would get a hash");
                }
                ObjectNode cm = YAML.createObjectNode();
                cm.put("apiVersion", "v1");
                cm.put("kind", "ConfigMap");
                ObjectNode metadata = cm.putObject("metadata");
                metadata.put("name", generator.path("name").asText());
                if (generator.at("/options/labels").isObject()) {
                    metadata.set("labels", generator.at("/options/labels"));
                }
                ObjectNode data = cm.putObject("data");
                for (JsonNode file : generator.path("files")) {
                    String[] keyAndPath = file.asText().split("=", 2);
                    String path = keyAndPath.length == 2 ? keyAndPath[1] : keyAndPath[0];
                    String key = keyAndPath.length == 2 ? keyAndPath[0] : Path.of(path).getFileName().toString();
                    data.put(key, Files.readString(DIR.resolve(path)));
                }
                out.add(cm);
            }
            if (namespace != null) {
                for (JsonNode doc : out) {
                    if (!CLUSTER_SCOPED.contains(doc.path("kind").asText())) {
                        ((ObjectNode) doc.get("metadata")).put("namespace", namespace);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
