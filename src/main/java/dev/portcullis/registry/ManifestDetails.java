package dev.portcullis.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user wants to know of an image, read from its manifest (Docker v2 schema 2, OCI manifest, Docker
 * manifest list, OCI image index) and its config blob: compressed size, platforms, created time, labels.
 */
public record ManifestDetails(String mediaType, Long totalSize, List<String> platforms, Instant created,
        Map<String, String> labels) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The labels as stored (a JSON object), or null when there are none. */
    String labelsJson() {
        if (labels.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(labels);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    public static boolean isIndex(String mediaType) {
        return "application/vnd.oci.image.index.v1+json".equals(mediaType)
                || "application/vnd.docker.distribution.manifest.list.v2+json".equals(mediaType);
    }

    static JsonNode read(byte[] body) throws IOException {
        JsonNode node = JSON.readTree(body);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return node;
    }

    /** The media type a manifest declares, or the one the registry served it with. */
    static String mediaType(JsonNode manifest, String served) {
        String declared = manifest.path("mediaType").asText("");
        if (!declared.isEmpty()) {
            return declared;
        }
        return manifest.has("manifests") ? "application/vnd.oci.image.index.v1+json"
                : served == null ? "application/vnd.oci.image.manifest.v1+json" : served;
    }

    /** Compressed size of one image: its config and its layers. */
    static long imageSize(JsonNode manifest) {
        long size = manifest.path("config").path("size").asLong(0);
        for (JsonNode layer : manifest.path("layers")) {
            size += layer.path("size").asLong(0);
        }
        return size;
    }

    /** The platforms an index or list names; attestation entries ("unknown/unknown") are not platforms. */
    static List<String> platforms(JsonNode index) {
        List<String> platforms = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            JsonNode p = entry.path("platform");
            String os = p.path("os").asText("");
            String arch = p.path("architecture").asText("");
            if (os.isEmpty() || arch.isEmpty() || "unknown".equals(os)) {
                continue;
            }
            String variant = p.path("variant").asText("");
            platforms.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
        }
        return platforms;
    }

    /** The platform, creation time and labels in an image config blob. */
    static ManifestDetails fromConfig(String mediaType, long size, byte[] config) throws IOException {
        JsonNode node = read(config);
        String os = node.path("os").asText("");
        String arch = node.path("architecture").asText("");
        String variant = node.path("variant").asText("");
        List<String> platforms = os.isEmpty() || arch.isEmpty()
                ? List.of() : List.of(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
        Instant created = null;
        try {
            String text = node.path("created").asText("");
            created = text.isEmpty() ? null : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException ignored) {
            // a config with an odd date is still an image: the date is just unknown
        }
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("config").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new ManifestDetails(mediaType, size, platforms, created, labels);
    }
}
