package dev.portcullis.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Reserves the port of the registry that Portcullis calls ({@code PORTCULLIS_REGISTRY_URL}) before Quarkus
 * starts; the end-to-end tests that need Portcullis to reach the registry start theirs on {@link #port()}.
 */
public class RegistryPortResource implements QuarkusTestResourceLifecycleManager {

    private static volatile int port;

    @Override
    public Map<String, String> start() {
        port = FreePort.next();
        return Map.of("portcullis.registry.url", "http://127.0.0.1:" + port);
    }

    @Override
    public void stop() {
    }

    public static int port() {
        if (port == 0) {
            throw new IllegalStateException("RegistryPortResource is not started");
        }
        return port;
    }
}
