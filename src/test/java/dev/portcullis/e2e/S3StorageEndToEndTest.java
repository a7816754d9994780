package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.S3Server;
import dev.portcullis.testsupport.Skopeo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's docker-registry (distribution 2.8) storing on a real S3 API ({@link S3Server}), configured with the keys
 * the Helm chart writes: an image of several large random layers goes in through skopeo, comes back out
 * byte-for-byte, and every blob is an object in the bucket, written by multipart uploads of several parts. No
 * Portcullis here: this proves the storage alone, without auth.
 */
class S3StorageEndToEndTest {

    private static final int MIB = 1024 * 1024;
    /** The driver's defaults: 10 MiB upload parts, multipart copy above 32 MiB in 32 MiB parts. */
    private static final List<Map.Entry<String, Integer>> LAYER_SIZES = List.of(Map.entry("big.bin", 36 * MIB),
            Map.entry("medium.bin", 12 * MIB), Map.entry("small.bin", 6 * MIB));
    private static final String ROOT_DIRECTORY = "/portcullis";
    /** The driver's object keys: rootdirectory without its leading slash, then the registry's own layout. */
    private static final String PREFIX = "portcullis/docker/registry/v2/";
    /** UploadPart (and UploadPartCopy): {@code PUT .../KEY?partNumber=N&uploadId=...}. */
    private static final Pattern UPLOAD_PART = Pattern.compile("/([^?]+)\\?partNumber=(\\d+)&uploadId=");

    @TempDir
    Path work;

    @Test
    void aMultiLayerImageOfRandomDataGoesThroughS3AndComesBackIdentical() throws Exception {
        try (S3Server s3 = S3Server.start();
                RegistryProcess registry = RegistryProcess.start(work.resolve("registry"), RegistryProcess.Config
                        .builder()
                        .s3(new RegistryProcess.S3Storage(s3.endpoint(), s3.region(), s3.bucket(), ROOT_DIRECTORY,
                                s3.accessKey(), s3.secretKey()))
                        .build())) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            SplittableRandom random = new SplittableRandom();
            for (Map.Entry<String, Integer> layer : LAYER_SIZES) {
                byte[] content = new byte[layer.getValue()];
                random.nextBytes(content); // incompressible: the gzip layers are as large as the files
                files.put(layer.getKey(), content);
            }
            Path image = OciImage.writeLayers(work.resolve("image"), "1", files);
            files.clear();
            List<JsonNode> layers = OciImage.layers(image, "1");
            long bytes = layers.stream().mapToLong(layer -> layer.path("size").asLong()).sum();
            assertEquals(LAYER_SIZES.size(), layers.size());
            assertTrue(bytes >= 50L * MIB, "at least 50 MiB of layers: " + bytes);
            String ref = registry.host() + "/s3/big:1";

            long started = System.nanoTime();
            Skopeo.Result push = Skopeo.push(image, "1", ref, null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(push.ok(), () -> "push through S3 storage: " + push + "\n" + registry.log() + "\n" + s3.log());
            System.out.printf("S3StorageEndToEndTest: pushed %d layers, %.1f MiB, through S3 in %d ms%n",
                    layers.size(), bytes / (double) MIB, took.toMillis()); // information, not an assertion

            Path pulled = work.resolve("pulled");
            Skopeo.Result pull = Skopeo.pull(ref, pulled, null);
            assertTrue(pull.ok(), () -> "pull from S3 storage: " + pull + "\n" + registry.log());
            assertEquals(OciImage.manifestDigest(image, "1"), OciImage.manifestDigest(pulled, "latest"),
                    "the manifest comes back as pushed");
            for (JsonNode layer : layers) {
                String digest = layer.path("digest").asText();
                assertEquals(-1, Files.mismatch(blob(image, digest), blob(pulled, digest)),
                        "layer " + digest + " comes back byte for byte");
            }

            Map<String, S3Server.S3Object> objects = s3.listObjects(PREFIX + "blobs/").stream()
                    .collect(Collectors.toMap(S3Server.S3Object::key, Function.identity()));
            for (JsonNode layer : layers) {
                String digest = layer.path("digest").asText();
                S3Server.S3Object object = objects.get(blobKey(digest));
                assertTrue(object != null, () -> "layer " + digest + " is an object in the bucket: " + objects.keySet());
                assertEquals(layer.path("size").asLong(), object.size(), "size of " + object.key());
                try (InputStream in = s3.getObject(object.key())) {
                    assertEquals(digest, "sha256:" + sha256(in), "the object holds the layer's bytes");
                }
            }
            String manifest = OciImage.manifestDigest(image, "1");
            assertTrue(objects.containsKey(blobKey(manifest)), "the manifest is an object too");
            S3Server.S3Object big = objects.get(blobKey(layers.get(0).path("digest").asText()));
            assertTrue(big.multipartParts() >= 2,
                    "the 36 MiB layer was moved into place by a multipart copy (UploadPartCopy): ETag " + big.etag());

            List<Integer> uploadParts = s3.requests().stream()
                    .filter(request -> request.method().equals("PUT"))
                    .map(request -> UPLOAD_PART.matcher(request.url()))
                    .filter(m -> m.find() && m.group(1).contains("/_uploads/"))
                    .map(m -> Integer.parseInt(m.group(2)))
                    .collect(Collectors.toList());
            assertTrue(uploadParts.stream().anyMatch(part -> part >= 3),
                    "the layers were uploaded in several parts of one multipart upload: part numbers " + uploadParts);
            assertEquals(List.of(), s3.listMultipartUploads(PREFIX),
                    "every multipart upload was completed or aborted");
            assertEquals(List.of(), s3.listObjects(PREFIX + "repositories/s3/big/_uploads/"),
                    "the registry cleaned up its upload state");
        }
    }

    private static String blobKey(String digest) {
        String hex = digest.substring("sha256:".length());
        return PREFIX + "blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data";
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0;) {
            sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
