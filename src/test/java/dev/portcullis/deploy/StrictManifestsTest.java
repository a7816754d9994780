package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The validator the deployment tests rely on refuses what an API server would refuse. */
class StrictManifestsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              replicas: 2
              selector:
                matchLabels: {app: d}
              template:
                metadata:
                  labels: {app: d}
                spec:
                  containers:
                    - name: c
                      image: i
                      ports:
                        - containerPort: 8080
                      securityContext:
                        readOnlyRootFilesystem: true
            """;

    @Test
    void aValidDocumentParsesAsItsKind() {
        var resources = StrictManifests.parse("---\n# a comment-only document is skipped\n---\n" + DEPLOYMENT);
        assertEquals(1, resources.size());
        Deployment d = assertInstanceOf(Deployment.class, resources.get(0));
        assertEquals(2, d.getSpec().getReplicas());
        assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
                .getReadOnlyRootFilesystem());
    }

    @Test
    void aServiceMonitorIsAKnownKind() {
        assertInstanceOf(ServiceMonitor.class, StrictManifests.parse("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: m}
                spec:
                  selector: {matchLabels: {app: d}}
                  endpoints: [{port: management, path: /q/metrics}]
                """).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "misspelt field        | readOnlyRootFilesystem: true    | readOnlyRootFileSystem: true",
        "field at wrong level  | containerPort: 8080             | port: 8080",
        "string for an integer | replicas: 2                     | replicas: \"2\"",
        "unknown kind          | kind: Deployment                | kind: Deploymnet",
        "unknown apiVersion    | apiVersion: apps/v1             | apiVersion: apps/v2",
        "missing name          | name: d                         | labels: {}",
        "unquoted label value  | labels: {app: d}                | labels: {app: d, tier: 1}",
    })
    void whatAnApiServerWouldRefuseFails(String what, String valid, String broken) {
        assertTrue(DEPLOYMENT.contains(valid), what);
        assertThrows(AssertionError.class, () -> StrictManifests.parse(DEPLOYMENT.replace(valid, broken)), what);
    }
}
