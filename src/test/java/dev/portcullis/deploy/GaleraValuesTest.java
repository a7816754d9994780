package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** values-galera.yaml renders several replicas, spread and guarded, on the mariadb-operator's -primary Service. */
class GaleraValuesTest {

    static Chart.Rendered galera;

    @BeforeAll
    static void render() {
        galera = Chart.render(List.of(Chart.DIR.resolve("values-galera.yaml")), Map.of());
    }

    @Test
    void lintPasses() {
        var result = Chart.lint(Chart.DIR.resolve("values-galera.yaml"));
        assertTrue(!result.isFailed(), String.valueOf(result.getMessages()));
    }

    @Test
    void atLeastTwoReplicasOnTwoNodesWithADisruptionBudget() {
        var spec = galera.portcullis().getSpec();
        assertTrue(spec.getReplicas() >= 2, "replicas " + spec.getReplicas());
        var anti = spec.getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution();
        assertEquals("kubernetes.io/hostname", anti.get(0).getTopologyKey());
        assertEquals(spec.getSelector().getMatchLabels().get("app.kubernetes.io/component"),
                anti.get(0).getLabelSelector().getMatchLabels().get("app.kubernetes.io/component"),
                "the anti-affinity selects Portcullis's own pods");
        List<PodDisruptionBudget> budgets = galera.all(PodDisruptionBudget.class);
        assertTrue(budgets.stream().anyMatch(b -> b.getSpec().getSelector().getMatchLabels()
                .equals(spec.getSelector().getMatchLabels())
                && b.getSpec().getMaxUnavailable().getIntVal() == 1), "a budget for Portcullis's pods");
    }

    @Test
    void theDatabaseIsTheOperatorsPrimaryServiceWithDriverTimeouts() {
        String url = galera.portcullisConfig().get("QUARKUS_DATASOURCE_JDBC_URL");
        assertTrue(url.startsWith("jdbc:mariadb://portcullis-db-primary."), url);
        assertTrue(url.contains("connectTimeout=") && url.contains("socketTimeout="), url);
        assertTrue(galera.all(io.fabric8.kubernetes.api.model.apps.StatefulSet.class).isEmpty(),
                "no bundled MariaDB");
    }

    @Test
    void theExampleMariaDbResourceIsAThreeNodeGaleraWithAPrimaryService() throws Exception {
        JsonNode db = Chart.yaml(Files.readString(Chart.DIR.resolve("examples/mariadb-galera.yaml")));
        assertEquals("MariaDB", db.get("kind").asText());
        assertEquals(3, db.at("/spec/replicas").asInt());
        assertTrue(db.at("/spec/galera/enabled").asBoolean());
        assertTrue(db.at("/spec/galera/primary/automaticFailover").asBoolean());
        String url = galera.portcullisConfig().get("QUARKUS_DATASOURCE_JDBC_URL");
        String service = db.at("/metadata/name").asText() + "-primary." + db.at("/metadata/namespace").asText() + ".";
        assertTrue(url.contains("//" + service), url + " names " + service);
        assertTrue(db.at("/spec/myCnf").asText().contains("binlog_format=ROW"));
    }
}
