package dev.portcullis.directory;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Portcullis signing people in against {@link SlapdResource}'s directory (a Quarkus of its own). */
public class LdapProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SlapdResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of();
    }
}
