package dev.portcullis.testsupport.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code helm template} rendered (or a test added, as an operator adds a TLS Secret with kubectl): the objects
 * the harness reads Secrets and ConfigMaps from, as the API server would hand them to a kubelet.
 */
public final class Manifests {

    private final List<HasMetadata> resources;

    public Manifests(List<HasMetadata> resources) {
        this.resources = List.copyOf(resources);
    }

    public List<HasMetadata> resources() {
        return resources;
    }

    public <T extends HasMetadata> List<T> all(Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
        return all(kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    /** A Secret's keys and decoded values ({@code data} base64, {@code stringData} as is); fails when missing. */
    public Map<String, byte[]> secret(String name) {
        Secret secret = find(Secret.class, name)
                .orElseThrow(() -> new IllegalStateException("no Secret " + name + " (a kubelet would not start the pod)"));
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** A ConfigMap's keys and values ({@code data}, then {@code binaryData} decoded); fails when missing. */
    public Map<String, byte[]> configMap(String name) {
        ConfigMap map = find(ConfigMap.class, name)
                .orElseThrow(() -> new IllegalStateException("no ConfigMap " + name + " (a kubelet would not start the pod)"));
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (map.getData() != null) {
            map.getData().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (map.getBinaryData() != null) {
            map.getBinaryData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        return out;
    }

    static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
