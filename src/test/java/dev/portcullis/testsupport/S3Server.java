package dev.portcullis.testsupport;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A real S3 API for the registry's {@code s3} storage driver: S3Proxy ({@code org.gaul:s3proxy}, Maven Central)
 * with its jclouds {@code filesystem} backend, in its own JVM on a free loopback port, its objects in a temp dir.
 * {@link #start()} creates {@link #bucket()} through the S3 API; the endpoint takes AWS Signature V4 (and V2) with a
 * random access key and secret key.
 *
 * <p>Version: S3Proxy 2.6.0 answers {@code ListParts} without {@code <IsTruncated>}, and distribution 2.8's s3
 * driver dereferences that field when it resumes an upload (a nil-pointer panic in its {@code Writer} on the first
 * blob PATCH); 4.1.0 writes it as AWS does.
 *
 * <p>S3Proxy's dependencies are resolved from Maven Central by the project's own wrapper on a small POM under
 * {@code target/s3proxy-VERSION/} (jars cached in {@code ~/.m2}, the classpath in that dir); a test fails, naming the
 * log, when they cannot be had. S3Proxy's log, with one {@code request: Request(METHOD URL)} line per S3 call, is in
 * {@code target/testsupport-logs/}. {@link #close()} stops the process and deletes the temp dir.
 */
public final class S3Server implements AutoCloseable {

    public static final String VERSION = "4.1.0";
    /** Any region will do for a custom endpoint; this one also passes distribution's region check. */
    public static final String REGION = "us-east-1";
    public static final String BUCKET = "portcullis-registry";

    private static final String MAIN_CLASS = "org.gaul.s3proxy.Main";
    /** A cold ~/.m2 downloads about 60 jars (about 60 MB). */
    private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(10);
    /** A JVM start on a busy 2-core machine. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * S3ProxyHandler's DEBUG line per request: the request's toString, {@code Request(PUT http://...)} under Jetty 11
     * (S3Proxy 2.x), {@code ...{PUT@1a2b http://... HTTP/1.1}}} under Jetty 12 (4.x).
     */
    private static final Pattern REQUEST_LINE = Pattern.compile(
            "S3ProxyHandler - request: .*?\\b(GET|PUT|POST|DELETE|HEAD)(?:@\\w+)? (https?://[^\\s)}]+)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final String EMPTY_SHA256 = sha256Hex(new byte[0]);

    /** An object as ListObjectsV2 describes it; {@code etag} without quotes. */
    public record S3Object(String key, long size, String etag) {

        /** The part count of a multipart object's ETag ({@code md5-N}), 0 for an object stored in one PUT. */
        public int multipartParts() {
            int dash = etag.lastIndexOf('-');
            return dash < 0 ? 0 : Integer.parseInt(etag.substring(dash + 1));
        }
    }

    /** One S3 call as S3Proxy logged it: the HTTP method and the full URL with its query. */
    public record Request(String method, String url) {
    }

    private final Path baseDir;
    private final Path log;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    private S3Server(Path baseDir, int port, String accessKey, String secretKey) {
        this.baseDir = baseDir;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.log = Processes.sharedLogDir().resolve(
                String.format("s3proxy-%d-%d.log", ProcessHandle.current().pid(), port));
        // A crashed test JVM must not leave S3Proxy (and its objects) behind.
        this.shutdownHook = new Thread(this::destroyQuietly, "s3proxy-" + port + "-shutdown");
    }

    /** Starts S3Proxy on a free loopback port, waits until it answers, and creates {@link #BUCKET}. */
    public static S3Server start() {
        String classpath = Classpath.resolve();
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("portcullis-s3-");
            Files.createDirectories(baseDir.resolve("data"));
            Files.createDirectories(baseDir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp dir for S3Proxy", e);
        }
        S3Server server = new S3Server(baseDir, FreePort.next(), randomHex(10), randomHex(20));
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.writeConfig();
            server.process = Processes.start(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-XX:+UseSerialGC",
                    "-Djava.io.tmpdir=" + baseDir.resolve("tmp"),
                    "-Dlogback.configurationFile=" + baseDir.resolve("logback.xml"),
                    "-cp", classpath,
                    MAIN_CLASS,
                    "--properties", baseDir.resolve("s3proxy.properties").toString()), Map.of(), baseDir,
                    server.log);
            server.awaitReady();
            server.createBucket(BUCKET);
            return server;
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT}, the driver's {@code regionendpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String region() {
        return REGION;
    }

    public String bucket() {
        return BUCKET;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The filesystem backend's root: one directory per bucket, one file per object. */
    public Path dataDir() {
        return baseDir.resolve("data");
    }

    public Path logFile() {
        return log;
    }

    /** S3Proxy's output so far. */
    public String log() {
        return Processes.read(log);
    }

    /**
     * Every S3 call S3Proxy has received so far, in order, from its log. Never empty (the bucket was created through
     * the API): a log whose lines no longer parse fails here rather than looking like a store nobody called.
     */
    public List<Request> requests() {
        List<Request> requests = new ArrayList<>();
        Matcher m = REQUEST_LINE.matcher(log());
        while (m.find()) {
            requests.add(new Request(m.group(1), m.group(2)));
        }
        if (requests.isEmpty()) {
            throw new IllegalStateException("No request lines in S3Proxy's log " + log + " (format changed?)"
                    + Processes.describeLog(log));
        }
        return requests;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** ListObjectsV2 over {@code prefix} in {@link #bucket()}, all pages. */
    public List<S3Object> listObjects(String prefix) {
        List<S3Object> objects = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> query = new TreeMap<>(Map.of("list-type", "2", "prefix", prefix));
            if (token != null) {
                query.put("continuation-token", token);
            }
            Element result = xml(expect(200, send("GET", "/" + BUCKET, query)));
            for (Element contents : children(result, "Contents")) {
                objects.add(new S3Object(text(contents, "Key"), Long.parseLong(text(contents, "Size")),
                        text(contents, "ETag").replace("\"", "")));
            }
            token = "true".equals(text(result, "IsTruncated")) ? text(result, "NextContinuationToken") : null;
        } while (token != null);
        return objects;
    }

    /** Keys of the multipart uploads under {@code prefix} that were neither completed nor aborted. */
    public List<String> listMultipartUploads(String prefix) {
        Element result = xml(expect(200, send("GET", "/" + BUCKET, Map.of("uploads", "", "prefix", prefix))));
        return children(result, "Upload").stream().map(upload -> text(upload, "Key")).collect(Collectors.toList());
    }

    /** GetObject: the object's bytes. */
    public InputStream getObject(String key) {
        return new ByteArrayInputStream(expect(200, send("GET", "/" + BUCKET + "/" + key, Map.of())));
    }

    /** Stops S3Proxy and deletes its temp dir with every object; the log stays. */
    public void stop() {
        destroyQuietly();
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
        return "S3Server[S3Proxy " + VERSION + " at " + endpoint() + ", dir=" + baseDir + "]";
    }

    private void destroyQuietly() {
        Process p = process;
        process = null;
        Processes.terminate(p, STOP_GRACE);
        Processes.deleteTree(baseDir);
    }

    private void writeConfig() {
        String properties = String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir(),
                "");
        // Without a configuration logback logs everything at DEBUG; the handler's DEBUG line is the request log.
        String logback = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.gaul.s3proxy.S3ProxyHandler" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        try {
            Files.writeString(baseDir.resolve("s3proxy.properties"), properties, StandardCharsets.UTF_8);
            Files.writeString(baseDir.resolve("logback.xml"), logback, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the S3Proxy configuration in " + baseDir, e);
        }
    }

    /** Any HTTP answer means Jetty is up (anonymous calls get 403). */
    private void awaitReady() {
        new HttpReadiness("S3Proxy", () -> process, log).until(URI.create(endpoint() + "/"), READY_TIMEOUT,
                Duration.ofMillis(200), status -> true);
    }

    private void createBucket(String name) {
        expect(200, send("PUT", "/" + name, Map.of()));
    }

    private byte[] expect(int status, HttpResponse<byte[]> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("S3 " + response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ", expected " + status + ": "
                    + new String(response.body(), StandardCharsets.UTF_8) + Processes.describeLog(log));
        }
        return response.body();
    }

    /** One path-style request without a body, signed with AWS Signature Version 4. */
    private HttpResponse<byte[]> send(String method, String path, Map<String, String> query) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        String canonicalUri = encode(path, false);
        String canonicalQuery = new TreeMap<>(query).entrySet().stream()
                .map(e -> encode(e.getKey(), true) + "=" + encode(e.getValue(), true))
                .collect(Collectors.joining("&"));
        String host = "127.0.0.1:" + port;
        String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        String canonicalRequest = String.join("\n", method, canonicalUri, canonicalQuery,
                "host:" + host, "x-amz-content-sha256:" + EMPTY_SHA256, "x-amz-date:" + amzDate, "",
                signedHeaders, EMPTY_SHA256);
        String scope = day + "/" + REGION + "/s3/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope,
                sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, REGION);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        URI uri = URI.create(endpoint() + canonicalUri + (canonicalQuery.isEmpty() ? "" : "?" + canonicalQuery));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("x-amz-date", amzDate)
                .header("x-amz-content-sha256", EMPTY_SHA256)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("S3 " + method + " " + uri + " failed" + Processes.describeLog(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during S3 " + method + " " + uri, e);
        }
    }

    /** RFC 3986 percent-encoding as SigV4 wants it; {@code /} kept in paths. */
    private static String encode(String s, boolean slash) {
        String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        return slash ? encoded : encoded.replace("%2F", "/");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JVM without HmacSHA256", e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static Element xml(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            return doc.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("Not S3 XML: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && name.equals(element.getTagName())) {
                out.add(element);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent();
    }

    /**
     * S3Proxy's runtime classpath, resolved once per {@code target/} by {@code ./mvnw dependency:build-classpath}
     * on a throwaway POM and kept in {@code target/s3proxy-VERSION/classpath.txt}.
     */
    static final class Classpath {

        private static final String DEPENDENCY_PLUGIN =
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath";
        /*
         * S3Proxy 4.1.0 uses Jackson 3 (tools.jackson), which needs the 2.x annotations at 2.22; Maven's
         * nearest-wins mediation would pick 2.18.3 from jclouds' path and S3Proxy would die at start with
         * NoClassDefFoundError: com/fasterxml/jackson/annotation/JsonSerializeAs.
         */
        private static final String POM = """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.portcullis.testsupport</groupId>
                  <artifactId>s3proxy-classpath</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <dependencies>
                    <dependency>
                      <groupId>org.gaul</groupId>
                      <artifactId>s3proxy</artifactId>
                      <version>%s</version>
                    </dependency>
                    <dependency>
                      <groupId>com.fasterxml.jackson.core</groupId>
                      <artifactId>jackson-annotations</artifactId>
                      <version>2.22</version>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(VERSION);

        private static String cached;

        private Classpath() {
        }

        static synchronized String resolve() {
            if (cached != null) {
                return cached;
            }
            Path root = ProjectBuild.projectRoot();
            Path dir = root.resolve("target").resolve("s3proxy-" + VERSION);
            Path file = dir.resolve("classpath.txt");
            String classpath = complete(file);
            if (classpath == null) {
                classpath = build(root, dir, file);
            }
            cached = classpath;
            return classpath;
        }

        /** The saved classpath if every jar in it is still there (a cleaned ~/.m2 makes it stale). */
        private static String complete(Path file) {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            String classpath = Processes.read(file).strip();
            boolean all = !classpath.isEmpty() && List.of(classpath.split(File.pathSeparator)).stream()
                    .allMatch(jar -> Files.isRegularFile(Path.of(jar)));
            return all ? classpath : null;
        }

        private static String build(Path root, Path dir, Path file) {
            Path log = Processes.sharedLogDir().resolve("s3proxy-" + VERSION + "-resolve.log");
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("pom.xml"), POM, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + dir.resolve("pom.xml"), e);
            }
            Path partial = dir.resolve("classpath.txt." + ProcessHandle.current().pid());
            int exit = Processes.run(List.of(root.resolve("mvnw").toString(), "-B", "-ntp", "-q",
                    "-f", dir.resolve("pom.xml").toString(), DEPENDENCY_PLUGIN,
                    "-Dmdep.outputFile=" + partial), Map.of("JAVA_HOME", System.getProperty("java.home")), root, log,
                    RESOLVE_TIMEOUT);
            String classpath = exit == 0 ? complete(partial) : null;
            if (classpath == null) {
                throw new IllegalStateException("Cannot resolve S3Proxy " + VERSION + " from Maven Central (./mvnw exit "
                        + exit + ")" + Processes.describeLog(log));
            }
            try {
                // Atomic, so a concurrent test JVM reads either no file or a whole one.
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot save " + file, e);
            }
            return classpath;
        }
    }
}
