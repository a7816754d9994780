package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies follow the usual allowExternal pattern: the public ports admit every source unless narrowed
 * (host-network ingress controllers and load balancers sending to pod IPs are no pods, so a namespaceSelector
 * would shut them out); the management port admits this release's pods and the monitoring namespace only.
 */
class ChartNetworkPolicyTest {

    private static final String INSTANCE = "app.kubernetes.io/instance";

    @Test
    void thePublicPortsAdmitEverySourceByDefault() {
        Chart.Rendered r = Chart.render(List.of(), Map.of());
        assertEquals(List.of("any source"), sources(r, "portcullis", 8080));
        assertEquals(List.of("any source"), sources(r, "portcullis-registry", 5000));
    }

    @Test
    void narrowedThePublicPortsAdmitTheIngressControllerAndThisReleasesPods() {
        Chart.Rendered r = Chart.render(List.of(), Map.of("networkPolicy.allowExternal", false,
                "networkPolicy.ingressNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "ingress-nginx"));
        List<String> expected = List.of("namespaces {kubernetes.io/metadata.name=ingress-nginx} pods {}",
                "pods {" + INSTANCE + "=portcullis}");
        assertEquals(expected, sources(r, "portcullis", 8080));
        assertEquals(expected, sources(r, "portcullis-registry", 5000));

        Chart.Rendered pods = Chart.render(List.of(), Map.of("networkPolicy.allowExternal", false,
                "networkPolicy.ingressNamespaceSelector.matchLabels.name", "edge",
                "networkPolicy.ingressPodSelector.matchLabels.app", "haproxy"));
        assertEquals("namespaces {name=edge} pods {app=haproxy}", sources(pods, "portcullis", 8080).get(0));
    }

    /** Narrowed to nothing the ingress could not reach the pods: refused with a message, not installed broken. */
    @Test
    void narrowingToNoSelectorIsRefused() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Chart.template(List.of(), Map.of("networkPolicy.allowExternal", false)));
        assertTrue(e.getMessage().contains("networkPolicy.ingressNamespaceSelector"), e.getMessage());
    }

    /** 9000 (health, metrics): this release's pods (helm test) and, when named, the monitoring namespace. */
    @Test
    void theManagementPortAdmitsThisReleaseAndTheMonitoringNamespaceOnly() {
        Chart.Rendered defaults = Chart.render(List.of(), Map.of());
        assertEquals(List.of("pods {" + INSTANCE + "=portcullis}"), sources(defaults, "portcullis", 9000));
        Chart.Rendered ha = Chart.render(List.of(Chart.HA_S3), Map.of());
        assertEquals(List.of("pods {" + INSTANCE + "=portcullis}",
                "namespaces {kubernetes.io/metadata.name=monitoring}"), sources(ha, "portcullis", 9000));
    }

    /** Who may reach a port: one line per peer; "any source" for a rule without from. */
    static List<String> sources(Chart.Rendered r, String policy, int port) {
        NetworkPolicy p = r.get(NetworkPolicy.class, policy);
        List<NetworkPolicyIngressRule> rules = p.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(x -> x.getPort().getIntVal() == port)).toList();
        assertEquals(1, rules.size(), policy + ": one rule for port " + port);
        List<NetworkPolicyPeer> from = rules.get(0).getFrom();
        if (from == null || from.isEmpty()) {
            return List.of("any source");
        }
        return from.stream().map(ChartNetworkPolicyTest::peer).toList();
    }

    private static String peer(NetworkPolicyPeer peer) {
        StringBuilder sb = new StringBuilder();
        if (peer.getNamespaceSelector() != null) {
            sb.append("namespaces ").append(labels(peer.getNamespaceSelector().getMatchLabels()));
        }
        if (peer.getPodSelector() != null) {
            sb.append(sb.isEmpty() ? "" : " ").append("pods ").append(labels(peer.getPodSelector().getMatchLabels()));
        }
        return sb.toString();
    }

    private static String labels(Map<String, String> labels) {
        return labels == null ? "{}" : new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
    }
}
