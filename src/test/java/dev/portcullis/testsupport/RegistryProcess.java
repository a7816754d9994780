package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on a free loopback port, configured for end-to-end
 * tests: optional token auth against Portcullis, optional notifications to Portcullis, filesystem storage in the
 * work dir or S3 storage ({@link S3Storage}), all output in {@code <workDir>/registry.log}.
 */
public final class RegistryProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * The {@code storage.s3} settings, with the keys the Helm chart writes ({@code bucket}, {@code region},
     * {@code rootdirectory}, {@code regionendpoint}, {@code encrypt: false}, {@code secure}: true unless the endpoint
     * is http), and {@code redirect.disable} as the chart sets it. The access and secret keys reach the registry as
     * the chart passes them, in {@code REGISTRY_STORAGE_S3_ACCESSKEY} and {@code REGISTRY_STORAGE_S3_SECRETKEY}, so
     * config.yml holds no secret. {@code rootDirectory} may be null (objects at the bucket's root).
     */
    public record S3Storage(String regionEndpoint, String region, String bucket, String rootDirectory,
            String accessKey, String secretKey) {

        public S3Storage {
            Objects.requireNonNull(regionEndpoint, "regionEndpoint");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
        }

        @Override
        public String toString() {
            return "S3Storage[" + regionEndpoint + ", region=" + region + ", bucket=" + bucket + ", rootdirectory="
                    + rootDirectory + "]"; // no keys in messages
        }
    }

    /**
     * What the registry should trust and call. Token auth fields are all set or all null; {@code htpasswd} (the
     * registry's built-in Basic auth, bcrypt entries only) excludes token auth; notifications are off when
     * {@code notificationUrl} is null ({@code notificationSecret} may be null for no Authorization header);
     * storage is the filesystem in the work dir when {@code s3} is null.
     */
    public record Config(String tokenRealm, String tokenService, String tokenIssuer, Path rootCertBundle,
            String notificationUrl, String notificationSecret, List<String> ignoredMediaTypes, boolean deleteEnabled,
            Path htpasswd, S3Storage s3) {

        public Config {
            ignoredMediaTypes = List.copyOf(ignoredMediaTypes);
            long authFields = Stream.of(tokenRealm, tokenService, tokenIssuer, rootCertBundle)
                    .filter(Objects::nonNull).count();
            if (authFields != 0 && authFields != 4) {
                throw new IllegalArgumentException("token realm, service, issuer and root cert bundle must be set "
                        + "together (got " + authFields + " of 4)");
            }
            if (htpasswd != null && authFields != 0) {
                throw new IllegalArgumentException("htpasswd and token auth are exclusive");
            }
            if (notificationSecret != null && notificationUrl == null) {
                throw new IllegalArgumentException("notification secret given without notification URL");
            }
        }

        /** No auth, no notifications, deletes enabled. */
        public static Config anonymous() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public boolean tokenAuth() {
            return tokenRealm != null;
        }

        /** Either kind of auth: GET /v2/ answers 401 without credentials. */
        public boolean anyAuth() {
            return tokenAuth() || htpasswd != null;
        }

        public boolean notifications() {
            return notificationUrl != null;
        }

        public static final class Builder {
            private String tokenRealm;
            private String tokenService;
            private String tokenIssuer;
            private Path rootCertBundle;
            private String notificationUrl;
            private String notificationSecret;
            private List<String> ignoredMediaTypes = List.of();
            private boolean deleteEnabled = true;
            private Path htpasswd;
            private S3Storage s3;

            private Builder() {
            }

            /** Bearer token auth: clients are sent to {@code realm}; tokens must be signed by a cert in the bundle. */
            public Builder tokenAuth(String realm, String service, String issuer, Path rootCertBundlePem) {
                this.tokenRealm = Objects.requireNonNull(realm, "realm");
                this.tokenService = Objects.requireNonNull(service, "service");
                this.tokenIssuer = Objects.requireNonNull(issuer, "issuer");
                this.rootCertBundle = Objects.requireNonNull(rootCertBundlePem, "rootCertBundlePem");
                return this;
            }

            /** Events are POSTed to {@code url}, with {@code Authorization: Bearer <secret>} unless secret is null. */
            public Builder notifications(String url, String bearerSecret) {
                this.notificationUrl = Objects.requireNonNull(url, "url");
                this.notificationSecret = bearerSecret;
                return this;
            }

            /**
             * The endpoint's {@code ignoredmediatypes}: events for targets of these media types are never sent
             * (blob events carry {@code application/octet-stream}).
             */
            public Builder ignoredMediaTypes(String... mediaTypes) {
                this.ignoredMediaTypes = List.of(mediaTypes);
                return this;
            }

            /** The registry's own Basic auth against an htpasswd file of bcrypt entries ({@code user:$2y$...}). */
            public Builder htpasswd(Path file) {
                this.htpasswd = Objects.requireNonNull(file, "file");
                return this;
            }

            /** Storage on S3 instead of the work dir's filesystem. */
            public Builder s3(S3Storage storage) {
                this.s3 = Objects.requireNonNull(storage, "storage");
                return this;
            }

            public Builder deleteEnabled(boolean enabled) {
                this.deleteEnabled = enabled;
                return this;
            }

            public Config build() {
                return new Config(tokenRealm, tokenService, tokenIssuer, rootCertBundle, notificationUrl,
                        notificationSecret, ignoredMediaTypes, deleteEnabled, htpasswd, s3);
            }
        }
    }

    private final Path workDir;
    private final Config config;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private volatile Process process;

    private RegistryProcess(Path workDir, Config config, int port) {
        this.workDir = workDir;
        this.config = config;
        this.port = port;
        this.log = workDir.resolve("registry.log");
        // A crashed test JVM must not leave the registry running.
        this.shutdownHook = new Thread(this::kill, "registry-" + port + "-shutdown");
    }

    /** Writes {@code <workDir>/config.yml}, starts the registry and waits until {@code /v2/} answers. */
    public static RegistryProcess start(Path workDir, Config config) {
        return start(workDir, config, FreePort.next());
    }

    /** On a given port: the one Portcullis was configured with ({@link RegistryPortResource}). */
    public static RegistryProcess start(Path workDir, Config config, int port) {
        Path binary = DebianPackages.require("docker-registry", "docker-registry");
        Path dir = workDir.toAbsolutePath();
        RegistryProcess registry = new RegistryProcess(dir, config, port);
        Path configFile = dir.resolve("config.yml");
        try {
            Files.createDirectories(dir.resolve("storage"));
            Files.writeString(configFile, registry.configYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare registry work dir " + dir, e);
        }
        Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
        try {
            registry.process = Processes.start(List.of(binary.toString(), "serve", configFile.toString()),
                    registry.environment(), dir, registry.log);
            registry.awaitReady();
        } catch (RuntimeException e) {
            registry.stop();
            throw e;
        }
        return registry;
    }

    /** {@code 127.0.0.1:port}, the registry part of image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://" + host();
    }

    public int port() {
        return port;
    }

    public Config config() {
        return config;
    }

    public Path workDir() {
        return workDir;
    }

    public Path storageDir() {
        return workDir.resolve("storage");
    }

    public Path configFile() {
        return workDir.resolve("config.yml");
    }

    public Path logFile() {
        return log;
    }

    /** Registry output so far (access log, notification delivery errors, auth failures). */
    public String log() {
        return Processes.read(log);
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the registry (SIGTERM, then SIGKILL); the work dir with storage and log is kept. */
    public void stop() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RegistryProcess[" + url() + ", dir=" + workDir + "]";
    }

    private void kill() {
        Process p = process;
        process = null;
        Processes.terminate(p, STOP_GRACE);
    }

    private void awaitReady() {
        int expected = config.anyAuth() ? 401 : 200;
        new HttpReadiness("docker-registry", () -> process, log).await(URI.create(url() + "/v2/"), READY_TIMEOUT,
                Duration.ofMillis(100), (int status) -> status == expected ? HttpReadiness.Verdict.READY
                        : HttpReadiness.Verdict.WRONG);
    }

    /** Added to the registry's environment: the S3 keys, as the chart passes them. */
    private Map<String, String> environment() {
        S3Storage s3 = config.s3();
        if (s3 == null) {
            return Map.of();
        }
        Map<String, String> env = new HashMap<>();
        env.put("REGISTRY_STORAGE_S3_ACCESSKEY", s3.accessKey());
        env.put("REGISTRY_STORAGE_S3_SECRETKEY", s3.secretKey());
        // With AWS_CA_BUNDLE set the s3 driver of 2.8 dies at start ("LoadCustomCABundleError: unable to load
        // custom CA bundle, HTTPClient's transport unsupported type"); the endpoint here is plain http anyway.
        env.put("AWS_CA_BUNDLE", null);
        return env;
    }

    /** The distribution 2.8 configuration; strings are YAML double-quoted so any value is safe. */
    String configYaml() {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        StringBuilder y = new StringBuilder();
        y.append("version: 0.1\n");
        y.append("log:\n");
        y.append("  level: info\n");
        y.append("  formatter: text\n");
        y.append("  fields:\n");
        y.append("    service: registry\n");
        y.append("storage:\n");
        S3Storage s3 = config.s3();
        if (s3 == null) {
            y.append("  filesystem:\n");
            y.append("    rootdirectory: ").append(q(storageDir().toString())).append('\n');
        } else {
            y.append("  s3:\n");
            y.append("    bucket: ").append(q(s3.bucket())).append('\n');
            y.append("    region: ").append(q(s3.region())).append('\n');
            if (s3.rootDirectory() != null) {
                y.append("    rootdirectory: ").append(q(s3.rootDirectory())).append('\n');
            }
            y.append("    regionendpoint: ").append(q(s3.regionEndpoint())).append('\n');
            y.append("    encrypt: false\n");
            y.append("    secure: ").append(!s3.regionEndpoint().startsWith("http://")).append('\n');
            y.append("  redirect:\n"); // as the chart: blobs go through the registry, never presigned URLs
            y.append("    disable: true\n");
        }
        y.append("  delete:\n");
        y.append("    enabled: ").append(config.deleteEnabled()).append('\n');
        y.append("  cache:\n");
        y.append("    blobdescriptor: inmemory\n");
        y.append("  maintenance:\n");
        y.append("    uploadpurging:\n"); // no background purger touching storage mid-test
        y.append("      enabled: false\n");
        y.append("http:\n");
        y.append("  addr: ").append(q(host())).append('\n');
        y.append("  secret: ").append(q(HexFormat.of().formatHex(secret))).append('\n');
        y.append("  headers:\n");
        y.append("    X-Content-Type-Options: [nosniff]\n");
        if (config.tokenAuth()) {
            y.append("auth:\n");
            y.append("  token:\n");
            y.append("    realm: ").append(q(config.tokenRealm())).append('\n');
            y.append("    service: ").append(q(config.tokenService())).append('\n');
            y.append("    issuer: ").append(q(config.tokenIssuer())).append('\n');
            y.append("    rootcertbundle: ").append(q(config.rootCertBundle().toAbsolutePath().toString()))
                    .append('\n');
        }
        if (config.htpasswd() != null) {
            y.append("auth:\n");
            y.append("  htpasswd:\n");
            y.append("    realm: \"registry\"\n");
            y.append("    path: ").append(q(config.htpasswd().toAbsolutePath().toString())).append('\n');
        }
        if (config.notifications()) {
            y.append("notifications:\n");
            y.append("  endpoints:\n");
            y.append("    - name: portcullis\n");
            y.append("      url: ").append(q(config.notificationUrl())).append('\n');
            if (config.notificationSecret() != null) {
                y.append("      headers:\n");
                y.append("        Authorization: [").append(q("Bearer " + config.notificationSecret()))
                        .append("]\n");
            }
            y.append("      timeout: 3s\n");
            y.append("      threshold: 5\n");
            y.append("      backoff: 1s\n");
            if (!config.ignoredMediaTypes().isEmpty()) {
                y.append("      ignoredmediatypes:\n");
                config.ignoredMediaTypes().forEach(type -> y.append("        - ").append(q(type)).append('\n'));
            }
        }
        return y.toString();
    }

    /** YAML double-quoted scalar. */
    private static String q(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
