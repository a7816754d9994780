package dev.portcullis.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Kubernetes YAML the way the API server would refuse it: every document must be a kind the fabric8 model
 * knows (ServiceMonitor included), and an unknown or misspelt field, or a value of the wrong type, is an error.
 *
 * <p>fabric8's model classes accept anything: each has an {@code @JsonAnySetter} that files unknown fields under
 * {@code additionalProperties}. Here the any-setters are switched off and unknown properties fail, so a typo such
 * as {@code readOnlyRootFileSystem} or {@code containerport} breaks the test instead of vanishing on apply.
 */
final class StrictManifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper STRICT;
    private static final KubernetesSerialization SERIALIZATION;

    static {
        // Only the kind registry is taken from fabric8's serialization: its own Jackson modules are lenient
        // (a quoted "2" becomes an integer), so the strict mapper below has none of them.
        SERIALIZATION = new KubernetesSerialization();
        ObjectMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // replicas: "2" is not an integer
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .annotationIntrospector(new JacksonAnnotationIntrospector() {
                    @Override
                    public Boolean hasAnySetter(Annotated a) {
                        return Boolean.FALSE;
                    }

                    @Override
                    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
                        JsonIgnoreProperties.Value v = super.findPropertyIgnoralByName(config, a);
                        return v == null ? null : v.withoutIgnoreUnknown();
                    }
                })
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        // env values, labels, annotations and ConfigMap data are strings: an unquoted 5 or true is refused too
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        STRICT = mapper;
    }

    private StrictManifests() {
    }

    /** The non-empty documents of a multi-document YAML stream, as trees. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isMissingNode() && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** Every document of the stream, each parsed strictly as its kind. */
    static List<HasMetadata> parse(String yaml) {
        return documents(yaml).stream().map(StrictManifests::parse).toList();
    }

    /** One document parsed strictly as the class fabric8 registers for its apiVersion and kind. */
    static HasMetadata parse(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String where = kind + " " + document.at("/metadata/name").asText("<no name>");
        Class<? extends KubernetesResource> type = SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || type == GenericKubernetesResource.class || !HasMetadata.class.isAssignableFrom(type)) {
            throw new AssertionError(where + ": unknown apiVersion/kind " + apiVersion + "/" + kind);
        }
        try {
            HasMetadata resource = (HasMetadata) STRICT.treeToValue(document, type);
            if (resource.getMetadata() == null || resource.getMetadata().getName() == null
                    || resource.getMetadata().getName().isBlank()) {
                throw new AssertionError(where + ": metadata.name is required");
            }
            return resource;
        } catch (IOException e) {
            throw new AssertionError(where + " is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** The resource back as a tree (for comparisons that ignore field order). */
    static JsonNode tree(Object resource) {
        return YAML.valueToTree(resource);
    }

}
