package dev.portcullis.testsupport.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kubelet's rules for a container's environment, as the harness applies them. */
class ContainerEnvTest {

    static final Manifests MANIFESTS = new Manifests(List.of(
            new ConfigMapBuilder().withNewMetadata().withName("config").endMetadata()
                    .withData(Map.of("A", "from-config", "URL", "jdbc:x")).build(),
            new SecretBuilder().withNewMetadata().withName("secrets").endMetadata()
                    .withData(Map.of("token", b64("s3cret"))).withStringData(Map.of("plain", "p")).build()));

    @Test
    void envFromFirstThenEnvInOrderWithReferencesToWhatCameBefore() {
        Container c = new ContainerBuilder().withName("c")
                .addNewEnvFrom().withNewConfigMapRef("config", false).endEnvFrom()
                .addNewEnvFrom().withPrefix("S_").withNewSecretRef("secrets", false).endEnvFrom()
                .addNewEnv().withName("TOKEN").withNewValueFrom().withNewSecretKeyRef("token", "secrets", false)
                .endValueFrom().endEnv()
                .addNewEnv().withName("HEADER").withValue("Bearer $(TOKEN) $(LATER) $$(TOKEN) $(A)").endEnv()
                .addNewEnv().withName("LATER").withValue("x").endEnv()
                .addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef("v1", "metadata.name").endValueFrom()
                .endEnv()
                .addNewEnv().withName("A").withNewValueFrom().withNewConfigMapKeyRef("URL", "config", false)
                .endValueFrom().endEnv()
                .build();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("A", "jdbc:x");
        expected.put("URL", "jdbc:x");
        expected.put("S_token", "s3cret");
        expected.put("S_plain", "p");
        expected.put("TOKEN", "s3cret");
        expected.put("HEADER", "Bearer s3cret $(LATER) $(TOKEN) from-config");
        expected.put("LATER", "x");
        expected.put("POD", "web-0");
        Map<String, String> env = ContainerEnv.of(c, MANIFESTS, Map.of("metadata.name", "web-0"));
        assertEquals(expected, env);
        assertEquals(List.of("serve", "s3cret", "$(NONE)"),
                ContainerEnv.expandAll(List.of("serve", "$(TOKEN)", "$(NONE)"), env));
    }

    @Test
    void aMissingKeyStopsThePodAsTheKubeletWould() {
        Container c = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
                .withNewSecretKeyRef("absent", "secrets", false).endValueFrom().endEnv().build();
        assertThrows(IllegalStateException.class, () -> ContainerEnv.of(c, MANIFESTS, Map.of()));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
