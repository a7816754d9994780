package dev.portcullis.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the Quarkus datasource at a private {@link MariaDbServer} (never the machine's own MariaDB).
 * Use with {@code @QuarkusTestResource(MariaDbTestResource.class)} or {@code @WithTestResource}.
 */
public class MariaDbTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile MariaDbServer server;

    @Override
    public Map<String, String> start() {
        MariaDbServer started = MariaDbServer.start();
        server = started;
        return Map.of(
                "quarkus.datasource.jdbc.url", started.jdbcUrl(),
                "quarkus.datasource.username", MariaDbServer.USERNAME,
                "quarkus.datasource.password", MariaDbServer.PASSWORD);
    }

    @Override
    public void stop() {
        MariaDbServer running = server;
        server = null;
        if (running != null) {
            running.stop();
        }
    }

    /** The running server, e.g. for {@link MariaDbServer#stopProcess()} in outage tests. */
    public static MariaDbServer server() {
        MariaDbServer running = server;
        if (running == null) {
            throw new IllegalStateException("MariaDbTestResource is not started; annotate the test with "
                    + "@QuarkusTestResource(MariaDbTestResource.class)");
        }
        return running;
    }
}
