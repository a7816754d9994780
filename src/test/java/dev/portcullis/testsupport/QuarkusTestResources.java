package dev.portcullis.testsupport;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** One throwaway MariaDB and one registry port for the whole @QuarkusTest run, so Quarkus starts once. */
@WithTestResource(value = MariaDbTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = RegistryPortResource.class, scope = TestResourceScope.GLOBAL)
public final class QuarkusTestResources {

    private QuarkusTestResources() {
    }
}
