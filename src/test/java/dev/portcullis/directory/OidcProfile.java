package dev.portcullis.directory;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Portcullis offering "Sign in with Keycloak" through {@link KeycloakResource}'s realm (a Quarkus of its own). */
public class OidcProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KeycloakResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of();
    }
}
