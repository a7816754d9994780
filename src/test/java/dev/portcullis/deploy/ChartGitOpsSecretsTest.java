package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GitOps tools (Argo CD, Flux's helm-controller in template mode) render the chart without a cluster, so the chart's
 * {@code lookup} finds nothing and every sync would generate new secrets. {@code secrets.neverGenerate} turns that
 * into a failed render; with every {@code existingSecret} set, two renders are the same manifests, byte for byte.
 */
class ChartGitOpsSecretsTest {

    /** Every Secret brought, as the chart README's GitOps section says, and the switch on. */
    static final Map<String, Object> GITOPS = Map.of("secrets.neverGenerate", true,
            "portcullis.existingSecret", "portcullis-app",
            "portcullis.signing.existingSecret", "portcullis-signing",
            "mariadb.existingSecret", "portcullis-db");

    @Test
    void withEveryExistingSecretTwoRendersAreIdenticalAndGenerateNoSecret() {
        String first = Chart.template(List.of(), GITOPS);
        String second = Chart.template(List.of(), GITOPS);
        assertEquals(first, second);
        assertEquals(List.of(), new Chart.Rendered(StrictManifests.parse(first)).all(Secret.class));
    }

    /** Each Secret left to the chart is named in the message, with the value that brings it. */
    @ParameterizedTest
    @ValueSource(strings = {"portcullis.existingSecret", "portcullis.signing.existingSecret", "mariadb.existingSecret"})
    void theSwitchRefusesToGenerateWhatLookupDidNotFind(String leftOut) {
        Map<String, Object> set = new HashMap<>(GITOPS);
        set.remove(leftOut);
        RuntimeException e = assertThrows(RuntimeException.class, () -> Chart.template(List.of(), set));
        assertTrue(e.getMessage().contains("secrets.neverGenerate") && e.getMessage().contains("set " + leftOut),
                e.getMessage());
        assertTrue(e.getMessage().contains("lookup found no Secret"), e.getMessage());
    }

    /** The switch does not stop a {@code helm upgrade}: what lookup finds in the cluster is kept, nothing is new. */
    @Test
    void theSwitchKeepsWhatLookupFinds() {
        Chart.Rendered first = Chart.render(List.of(), Map.of());
        FakeCluster cluster = FakeCluster.get();
        for (String name : List.of("portcullis-secrets", "portcullis-token-signing", "portcullis-database")) {
            cluster.putSecret(Chart.NAMESPACE, name, first.get(Secret.class, name).getData());
        }
        try {
            Chart.Rendered upgrade = Chart.render(List.of(), Map.of("secrets.neverGenerate", true));
            for (String name : List.of("portcullis-secrets", "portcullis-token-signing", "portcullis-database")) {
                assertEquals(first.get(Secret.class, name).getData(), upgrade.get(Secret.class, name).getData(), name);
            }
        } finally {
            cluster.clear();
        }
    }

    /** An external database's password given as a value is no generated secret: the switch lets it through. */
    @Test
    void anExternalDatabasePasswordIsNotGenerated() {
        Map<String, Object> set = new HashMap<>(GITOPS);
        set.remove("mariadb.existingSecret");
        set.put("mariadb.enabled", false);
        set.put("externalDatabase.host", "db");
        set.put("externalDatabase.password", "given");
        assertEquals("given", Chart.render(List.of(), set).secret("portcullis-database", "password"));
    }
}
