package dev.portcullis.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes tiny OCI image layouts (https://github.com/opencontainers/image-spec/blob/main/image-layout.md) so
 * tests can push real images with skopeo (or import them into containerd) without pulling anything, and root
 * filesystem tarballs for {@code docker import}. Several tags may share one layout dir.
 */
public final class OciImage {

    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** Fixed tar mtime: the same file content always gives the same layer digest. */
    private static final Date LAYER_MTIME = Date.from(Instant.parse("2024-01-01T00:00:00Z"));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image platform, e.g. {@code linux/arm64/v8}; variant may be null. */
    public record Platform(String os, String architecture, String variant) {

        /** Parses {@code os/arch[/variant]}. */
        public static Platform of(String spec) {
            String[] parts = spec.split("/");
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("platform must be os/arch[/variant]: " + spec);
            }
            return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null ? "" : "/" + variant);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("architecture", architecture);
            json.put("os", os);
            if (variant != null) {
                json.put("variant", variant);
            }
            return json;
        }
    }

    private static final Platform DEFAULT_PLATFORM = new Platform("linux", "amd64", null);

    private OciImage() {
    }

    /** A linux/amd64 image with one layer holding {@code fileName}, tagged {@code tag} in the layout at {@code dir}. */
    public static Path write(Path dir, String tag, String fileName, byte[] content) {
        return write(dir, tag, fileName, content, Map.of("org.opencontainers.image.title", fileName));
    }

    /** As {@link #write(Path, String, String, byte[])} with the given {@code config.Labels}. */
    public static Path write(Path dir, String tag, String fileName, byte[] content, Map<String, String> labels) {
        Map<String, Object> manifest = writeImage(dir, DEFAULT_PLATFORM, Map.of(fileName, content), labels);
        tag(dir, manifest, tag);
        return dir;
    }

    /**
     * A linux/amd64 image with one layer per entry of {@code files} (file name to content, in the map's order),
     * tagged {@code tag}; e.g. large random files for an image of several big, incompressible layers.
     */
    public static Path writeLayers(Path dir, String tag, Map<String, byte[]> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one layer");
        }
        tag(dir, writeImage(dir, DEFAULT_PLATFORM, files, Map.of()), tag);
        return dir;
    }

    /** The layer descriptors ({@code digest}, {@code size}, ...) of the manifest {@code tag} points at, in order. */
    public static List<JsonNode> layers(Path dir, String tag) {
        try {
            List<JsonNode> layers = new ArrayList<>();
            JSON.readTree(readBlob(dir, manifestDigest(dir, tag))).path("layers").forEach(layers::add);
            return layers;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse the manifest of " + tag + " in " + dir, e);
        }
    }

    /**
     * One small image per platform (each holding {@code platform.txt}) plus an OCI image index over them; the
     * index gets {@code tag}. Push with {@code Skopeo.push(..., all = true)} to copy every image.
     */
    public static Path writeIndex(Path dir, String tag, List<Platform> platforms) {
        if (platforms.isEmpty()) {
            throw new IllegalArgumentException("an index needs at least one platform");
        }
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Platform platform : platforms) {
            Map<String, Object> descriptor = writeImage(dir, platform,
                    Map.of("platform.txt", (platform + "\n").getBytes(StandardCharsets.UTF_8)),
                    Map.of("org.opencontainers.image.title", tag + " " + platform));
            descriptor.put("platform", platform.toJson());
            manifests.add(descriptor);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_TYPE);
        index.put("manifests", manifests);
        tag(dir, writeJsonBlob(dir, INDEX_TYPE, index), tag);
        return dir;
    }

    /**
     * A root filesystem tarball holding {@code files} (path → content, regular files, mode 0644), for
     * {@code docker import} and {@code podman import}: an image without pulling a base from anywhere.
     */
    public static Path writeRootfsTar(Path tarFile, Map<String, byte[]> files) {
        try {
            Files.createDirectories(tarFile.toAbsolutePath().getParent());
            Files.write(tarFile, tar(files));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + tarFile, e);
        }
        return tarFile;
    }

    /** The layout at {@code dir} as one tar file (an OCI archive), e.g. for {@code ctr images import}. */
    public static Path archive(Path dir, Path tarFile) {
        try (var walk = Files.walk(dir); TarArchiveOutputStream tar = new TarArchiveOutputStream(
                Files.newOutputStream(tarFile))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path path : walk.sorted().toList()) {
                if (path.equals(dir)) {
                    continue;
                }
                String name = dir.relativize(path).toString().replace('\\', '/');
                TarArchiveEntry entry = new TarArchiveEntry(path.toFile(), Files.isDirectory(path) ? name + "/" : name);
                entry.setModTime(LAYER_MTIME);
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(path)) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot archive " + dir + " to " + tarFile, e);
        }
        return tarFile;
    }

    /** The digest ({@code sha256:...}) that {@code tag} points at in the layout's index.json. */
    public static String manifestDigest(Path dir, String tag) {
        for (JsonNode m : readIndexJson(dir).path("manifests")) {
            if (tag.equals(m.path("annotations").path(REF_NAME).asText(null))) {
                return m.path("digest").asText();
            }
        }
        throw new IllegalArgumentException("tag " + tag + " not in " + dir.resolve("index.json"));
    }

    /** The blob {@code sha256:...} from the layout, e.g. a manifest to parse. */
    public static byte[] readBlob(Path dir, String digest) {
        try {
            return Files.readAllBytes(blobPath(dir, digest));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read blob " + digest + " in " + dir, e);
        }
    }

    /** {@code sha256:<hex>} of exactly these bytes, as registries compute digests. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }

    /** Writes layer, config and manifest blobs; returns the manifest descriptor (mutable, for the index). */
    private static Map<String, Object> writeImage(Path dir, Platform platform, Map<String, byte[]> files,
            Map<String, String> labels) {
        List<Object> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        files.forEach((fileName, content) -> {
            byte[] tar = tar(fileName, content);
            diffIds.add(sha256(tar));
            layers.add(writeBlob(dir, LAYER_TYPE, gzip(tar)));
        });

        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created);
        config.putAll(platform.toJson());
        config.put("config", Map.of("Labels", new TreeMap<>(labels)));
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("type", "layers");
        rootfs.put("diff_ids", diffIds);
        config.put("rootfs", rootfs);
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("created", created);
        history.put("created_by", "portcullis test OciImage");
        config.put("history", List.of(history));

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", writeJsonBlob(dir, CONFIG_TYPE, config));
        manifest.put("layers", layers);
        return writeJsonBlob(dir, MANIFEST_TYPE, manifest);
    }

    /** Adds (or moves) {@code tag} to {@code descriptor} in index.json, keeping other tags of the layout. */
    private static void tag(Path dir, Map<String, Object> descriptor, String tag) {
        List<Object> manifests = new ArrayList<>();
        if (Files.exists(dir.resolve("index.json"))) {
            for (JsonNode m : readIndexJson(dir).path("manifests")) {
                if (!tag.equals(m.path("annotations").path(REF_NAME).asText(null))) {
                    manifests.add(m);
                }
            }
        }
        Map<String, Object> tagged = new LinkedHashMap<>(descriptor);
        tagged.remove("platform");
        tagged.put("annotations", Map.of(REF_NAME, tag));
        manifests.add(tagged);

        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_TYPE);
        index.put("manifests", manifests);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write OCI layout index in " + dir, e);
        }
    }

    private static Map<String, Object> writeJsonBlob(Path dir, String mediaType, Object json) {
        try {
            return writeBlob(dir, mediaType, JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialise " + mediaType, e);
        }
    }

    /** Stores {@code bytes} under blobs/sha256/ and returns its descriptor. */
    private static Map<String, Object> writeBlob(Path dir, String mediaType, byte[] bytes) {
        String digest = sha256(bytes);
        try {
            Path path = blobPath(dir, digest);
            Files.createDirectories(path.getParent());
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write blob " + digest + " in " + dir, e);
        }
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", bytes.length);
        return descriptor;
    }

    private static Path blobPath(Path dir, String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("only sha256 digests are supported: " + digest);
        }
        return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static JsonNode readIndexJson(Path dir) {
        try {
            return JSON.readTree(dir.resolve("index.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir.resolve("index.json"), e);
        }
    }

    /** An uncompressed tar holding one regular file; its sha256 is the layer's diff_id. */
    private static byte[] tar(String fileName, byte[] content) {
        return tar(Map.of(fileName, content));
    }

    /** An uncompressed tar of regular files, in name order (the same files always give the same bytes). */
    private static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
                String name = file.getKey().startsWith("/") ? file.getKey().substring(1) : file.getKey();
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(file.getValue().length);
                entry.setMode(0100644);
                entry.setModTime(LAYER_MTIME);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build layer tar", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) { // header mtime 0: deterministic output
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot gzip layer", e);
        }
        return bytes.toByteArray();
    }
}
