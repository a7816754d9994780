package dev.portcullis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's image, built as the README says ({@code docker build -f src/main/docker/Dockerfile.jvm .} after
 * {@code ./mvnw package}) against a test {@link DockerDaemon}, on the JRE base {@link DebianImages#JRE} given as
 * the Dockerfile's {@code BASE_IMAGE} build argument in place of the production base no test can pull.
 */
public final class PortcullisImage {

    public static final String REF = "portcullis-test/portcullis:test";
    static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");

    private PortcullisImage() {
    }

    /** Builds the image from {@code target/quarkus-app} (the packaged application) and returns its reference. */
    public static String build(DockerDaemon docker) {
        if (!Files.isRegularFile(APP)) {
            throw new IllegalStateException(APP + " is missing: ./mvnw package builds it before the integration tests");
        }
        String base = DebianImages.load(docker, DebianImages.JRE);
        docker.build(Path.of("").toAbsolutePath(), REF,
                List.of("-f", "src/main/docker/Dockerfile.jvm", "--build-arg", "BASE_IMAGE=" + base)).orThrow();
        return REF;
    }
}
