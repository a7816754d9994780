package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ways to build the image, one image: Jib ({@code quarkus.jib.*}) and the Dockerfiles must agree on the base,
 * the non-root user, the ports and the JVM's sizing, and both on what the Kubernetes manifests expect. Also: a plain build never
 * builds or pushes an image. ContainerImageEndToEndTest runs the Jib build for real.
 */
class ContainerImageConfigTest {

    static final Path DOCKER = Path.of("src/main/docker");
    static Properties properties;

    @BeforeAll
    static void load() throws IOException {
        properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
    }

    @Test
    void aPlainBuildNeitherBuildsNorPushesAnImage() {
        assertEquals("false", properties.getProperty("quarkus.container-image.build"));
        assertEquals("false", properties.getProperty("quarkus.container-image.push"));
    }

    @Test
    void jibAndTheDockerfilesUseTheSameBase() throws IOException {
        assertEquals(properties.getProperty("quarkus.jib.base-jvm-image"), instruction("Dockerfile.jvm", "FROM"));
        assertEquals(properties.getProperty("quarkus.jib.base-native-image"), instruction("Dockerfile.native", "FROM"));
        assertTrue(properties.getProperty("quarkus.jib.base-jvm-image").matches(".+:[0-9][^:/]*"),
                "a pinned tag, not latest or Quarkus's moving default");
    }

    @Test
    void everyImageRunsAsTheNonRootUserOfTheManifests() throws IOException {
        String user = properties.getProperty("quarkus.kubernetes.security-context.run-as-user");
        assertEquals("185", user);
        assertEquals(user, properties.getProperty("quarkus.jib.user"));
        assertEquals(user, instruction("Dockerfile.jvm", "USER"));
        assertEquals(user, instruction("Dockerfile.native", "USER"));
    }

    @Test
    void everyImageExposesTheHttpAndManagementPorts() throws IOException {
        Set<String> ports = new TreeSet<>(Set.of("8080", "9000"));
        assertEquals(ports, words(properties.getProperty("quarkus.jib.ports").replace(',', ' ')));
        assertEquals(ports, words(instruction("Dockerfile.jvm", "EXPOSE")));
        assertEquals(ports, words(instruction("Dockerfile.native", "EXPOSE")));
    }

    /** run-java.sh's knobs (heap ratio, collector, ...) set in Dockerfile.jvm are set for Jib too, and no others. */
    @Test
    void jibAndDockerfileJvmTuneTheJvmAlike() throws IOException {
        String prefix = "quarkus.jib.environment-variables.";
        Map<String, String> jib = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                jib.put(key.substring(prefix.length()).replace("\"", ""), properties.getProperty(key));
            }
        }
        Map<String, String> dockerfile = new TreeMap<>();
        for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile.jvm"))) {
            Matcher m = ENV.matcher(line.strip());
            if (m.matches() && RUN_JAVA_TUNING.matcher(m.group(1)).matches()) {
                dockerfile.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        assertTrue(dockerfile.containsKey("JAVA_MAX_MEM_RATIO"), "the heap is sized for the manifests' memory limit");
        assertEquals(dockerfile, jib);
    }

    static final Pattern ENV = Pattern.compile("ENV ([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    /** What run-java.sh reads to size and tune the JVM (JAVA_OPTS_APPEND and JAVA_APP_JAR Jib sets itself). */
    static final Pattern RUN_JAVA_TUNING = Pattern.compile("JAVA_MAX_MEM_RATIO|JAVA_INITIAL_MEM_RATIO|GC_.*|JAVA_OPTS");

    @Test
    void theDockerBuildContextIsOnlyWhatMavenPackaged() throws IOException {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", rules.get(0), "everything is excluded first");
        for (String rule : rules.subList(1, rules.size())) {
            assertTrue(rule.startsWith("!target/"), () -> "only build output comes back in: " + rule);
        }
        assertTrue(rules.contains("!target/quarkus-app/*") && rules.contains("!target/*-runner"),
                "what Dockerfile.jvm and Dockerfile.native copy");
    }

    /** A base given as a build argument still defaults to the production base: what a plain docker build uses. */
    @Test
    void theJvmBaseIsABuildArgumentDefaultingToTheProductionBase() throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile.jvm")).stream().map(String::strip).toList();
        assertTrue(lines.contains("FROM ${BASE_IMAGE}"), "FROM takes the BASE_IMAGE build argument");
        assertTrue(lines.indexOf("ARG BASE_IMAGE=" + properties.getProperty("quarkus.jib.base-jvm-image"))
                < lines.indexOf("FROM ${BASE_IMAGE}"), "declared before FROM with the production base as default");
    }

    /**
     * The argument of the one {@code instruction} line of a Dockerfile, {@code ${ARG}} replaced by the default of
     * its {@code ARG} line (what a build without --build-arg uses); fails if there is not exactly one.
     */
    static String instruction(String dockerfile, String instruction) throws IOException {
        List<String> lines = Files.readAllLines(DOCKER.resolve(dockerfile)).stream().map(String::strip).toList();
        List<String> found = lines.stream()
                .filter(l -> l.startsWith(instruction + " "))
                .map(l -> l.substring(instruction.length()).strip())
                .toList();
        assertEquals(1, found.size(), () -> dockerfile + ": one " + instruction + " line, found " + found);
        String value = found.get(0);
        for (String line : lines) {
            Matcher arg = ARG.matcher(line);
            if (arg.matches()) {
                value = value.replace("${" + arg.group(1) + "}", arg.group(2));
            }
        }
        return value;
    }

    static final Pattern ARG = Pattern.compile("ARG ([A-Za-z_][A-Za-z0-9_]*)=(.*)");

    static Set<String> words(String s) {
        return Arrays.stream(s.strip().split("\\s+")).collect(Collectors.toCollection(TreeSet::new));
    }
}
