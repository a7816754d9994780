package dev.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart under helm/portcullis, rendered and linted through helm-java (Helm as a library, no binary). */
final class Chart {

    static final Path DIR = Path.of("helm/portcullis");
    static final Path HA_S3 = DIR.resolve("values-ha-s3.yaml");
    /** The release name that makes the chart's names equal the generated manifest's (portcullis-config, ...). */
    static final String RELEASE = "portcullis";
    static final String NAMESPACE = "registry";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {
    }

    /** {@code helm template} with these values files and --set pairs; Helm's errors surface as exceptions. */
    static String template(List<Path> valuesFiles, Map<String, Object> set) {
        FakeCluster.get(); // where the chart's lookup goes: see FakeCluster
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion("1.31.0");
        valuesFiles.forEach(template::withValuesFile);
        set.forEach(template::set);
        return template.call();
    }

    static Rendered render(List<Path> valuesFiles, Map<String, Object> set) {
        return new Rendered(StrictManifests.parse(template(valuesFiles, set)));
    }

    /**
     * {@code helm lint --strict}. helm-java's lint takes no values file, so a values file is linted by merging it
     * into a copy of the chart's values.yaml.
     */
    static LintResult lint(Path valuesFile) {
        if (valuesFile == null) {
            return new Helm(DIR).lint().strict().call();
        }
        try {
            Path copy = copy();
            JsonNode merged = merge(YAML.readTree(DIR.resolve("values.yaml").toFile()), YAML.readTree(valuesFile.toFile()));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code helm test} hooks, rendered as plain resources: helm-java's template prints the release manifest,
     * which leaves hooks out, so a copy of the chart without the hook annotations is rendered instead.
     */
    static List<HasMetadata> testHooks() {
        return testHooks(Map.of());
    }

    /** The {@code helm test} hooks rendered with these --set pairs. */
    static List<HasMetadata> testHooks(Map<String, Object> set) {
        try {
            Path copy = copy();
            try (Stream<Path> hooks = Files.list(copy.resolve("templates/tests"))) {
                for (Path hook : hooks.toList()) {
                    Files.writeString(hook, Files.readString(hook).replaceAll("(?m)^\\s*helm\\.sh/hook.*\\n", ""));
                }
            }
            TemplateCommand template = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE)
                    .withKubeVersion("1.31.0");
            set.forEach(template::set);
            String rendered = template.call();
            return StrictManifests.parse(rendered).stream()
                    .filter(r -> r.getMetadata().getAnnotations() == null
                            || !r.getMetadata().getAnnotations().containsKey("helm.sh/hook"))
                    .filter(r -> r.getKind().equals("Pod")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copy() throws IOException {
        Path copy = Files.createTempDirectory("chart").resolve("portcullis");
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(DIR.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    /** Helm's own rule for values files: maps merge key by key, anything else replaces. */
    static JsonNode merge(JsonNode base, JsonNode override) {
        if (!(base instanceof ObjectNode b) || !override.isObject()) {
            return override;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            b.set(e.getKey(), b.has(e.getKey()) ? merge(b.get(e.getKey()), e.getValue()) : e.getValue());
        }
        return b;
    }

    /** One render, with typed look-ups by kind and name. */
    record Rendered(List<HasMetadata> resources) {

        <T extends HasMetadata> T get(Class<T> kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name
                    + " in " + resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList()));
        }

        <T extends HasMetadata> java.util.Optional<T> find(Class<T> kind, String name) {
            return resources.stream().filter(kind::isInstance).map(kind::cast)
                    .filter(r -> r.getMetadata().getName().equals(name)).findFirst();
        }

        <T extends HasMetadata> List<T> all(Class<T> kind) {
            return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        Deployment portcullis() {
            return get(Deployment.class, RELEASE);
        }

        Deployment registry() {
            return get(Deployment.class, RELEASE + "-registry");
        }

        Map<String, String> portcullisConfig() {
            return get(ConfigMap.class, RELEASE + "-config").getData();
        }

        /** The registry's config.yml from its ConfigMap. */
        JsonNode registryConfig() {
            try {
                return YAML.readTree(get(ConfigMap.class, RELEASE + "-registry-config").getData().get("config.yml"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Service service(String name) {
            return get(Service.class, name);
        }

        /** A generated Secret's value, decoded. */
        String secret(String name, String key) {
            String value = get(Secret.class, name).getData().get(key);
            if (value == null) {
                throw new AssertionError("no key " + key + " in Secret " + name);
            }
            return new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
        }

    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
