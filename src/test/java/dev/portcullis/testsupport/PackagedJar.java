package dev.portcullis.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar} as an operator runs it: the settings as environment
 * variables, the HTTP and management ports on loopback, output appended to a log file. The crash and fault tests
 * start, kill and restart it with the same settings.
 */
public final class PackagedJar {

    public static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");

    private final Path work;
    private final Path log;
    private final Map<String, String> env = new LinkedHashMap<>();

    /**
     * @param work the process's working directory; its data directory is {@code <work>/<dataDir>}
     * @param log  where stdout and stderr are appended
     */
    public PackagedJar(Path work, Path log, String dataDir, String jdbcUrl, String username, String password,
            int httpPort, int managementPort) {
        this.work = work;
        this.log = log;
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", username);
        env.put("QUARKUS_DATASOURCE_PASSWORD", password);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("PORTCULLIS_REGISTRY_SERVICE", "registry.test");
        env.put("PORTCULLIS_DATA_DIR", work.resolve(dataDir).toAbsolutePath().toString());
    }

    /** One more setting (or another value for one of the above). */
    public PackagedJar with(String name, String value) {
        env.put(name, value);
        return this;
    }

    public PackagedJar with(Map<String, String> settings) {
        env.putAll(settings);
        return this;
    }

    /** Starts the service (256 MB of heap); it is ready once its readiness check says so. */
    public Process start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", APP.toAbsolutePath().toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }
}
