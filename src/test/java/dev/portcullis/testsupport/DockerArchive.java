package dev.portcullis.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Images in the format of {@code docker save}, for {@code docker load}: many images of random layers in one tar,
 * loaded by one command, with no build and no base image. Each layer is a tar holding one file of random
 * (incompressible) bytes, so no two images share a layer and a push uploads every layer.
 */
public final class DockerArchive {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Date MTIME = new Date(1_704_067_200_000L); // 2024-01-01, layers byte-for-byte reproducible

    private DockerArchive() {
    }

    /**
     * Writes {@code refs.size()} images to {@code tarFile}, image i tagged {@code refs.get(i)}, each of
     * {@code layerBytes.length} layers, layer j of {@code layerBytes[j]} random bytes.
     */
    public static Path write(Path tarFile, List<String> refs, int[] layerBytes, RandomGenerator random) {
        List<Map<String, Object>> manifest = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(tarFile); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String ref : refs) {
                List<String> layerPaths = new ArrayList<>();
                List<String> diffIds = new ArrayList<>();
                List<Map<String, Object>> history = new ArrayList<>();
                for (int j = 0; j < layerBytes.length; j++) {
                    byte[] content = new byte[layerBytes[j]];
                    random.nextBytes(content);
                    byte[] layer = tarOf("layer-" + j + ".bin", content);
                    String digest = OciImage.sha256(layer);
                    String path = digest.substring("sha256:".length()) + "/layer.tar";
                    put(tar, path, layer);
                    layerPaths.add(path);
                    diffIds.add(digest);
                    history.add(Map.of("created", "2024-01-01T00:00:00Z", "created_by", "layer " + j));
                }
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("architecture", "amd64");
                config.put("os", "linux");
                config.put("created", "2024-01-01T00:00:00Z");
                config.put("config", Map.of("Cmd", List.of("/layer-0.bin")));
                config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
                config.put("history", history);
                byte[] configJson = JSON.writeValueAsBytes(config);
                String configPath = OciImage.sha256(configJson).substring("sha256:".length()) + ".json";
                put(tar, configPath, configJson);
                manifest.add(Map.of("Config", configPath, "RepoTags", List.of(ref), "Layers", layerPaths));
            }
            put(tar, "manifest.json", JSON.writeValueAsBytes(manifest));
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + tarFile, e);
        }
        return tarFile;
    }

    private static byte[] tarOf(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 2048);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setMode(0755);
            put(tar, entry, content);
            tar.finish();
        }
        return bytes.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        put(tar, new TarArchiveEntry(name), content);
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) throws IOException {
        entry.setSize(content.length);
        entry.setModTime(MTIME);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
