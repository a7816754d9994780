package dev.portcullis.testsupport.kubelet;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's volumes as host directories, bind-mounted where the containers' {@code volumeMounts} say: Secret and
 * ConfigMap volumes written file by file ({@code items} with their paths, {@code defaultMode} or the item's
 * {@code mode}, group-owned by the pod's {@code fsGroup} as the kubelet does), {@code emptyDir} a fresh
 * world-writable dir, and claims (a {@code persistentVolumeClaim} or a StatefulSet's claim template) a dir that
 * outlives the pod, kept under the harness's claims dir by claim name.
 */
public final class PodVolumes {

    private final Map<String, Path> byName;

    private PodVolumes(Map<String, Path> byName) {
        this.byName = byName;
    }

    /**
     * Makes the volumes of {@code pod} under {@code podDir}; {@code claims} maps a claim name to its dir (made when
     * missing). A volume of another kind fails: the harness would not know what a kubelet mounts there.
     */
    public static PodVolumes make(PodSpec pod, Manifests manifests, Path podDir, Map<String, Path> claims) {
        Integer fsGroup = pod.getSecurityContext() == null ? null
                : pod.getSecurityContext().getFsGroup() == null ? null
                : pod.getSecurityContext().getFsGroup().intValue();
        Map<String, Path> out = new LinkedHashMap<>();
        try {
            for (Volume volume : pod.getVolumes()) {
                Path dir = podDir.resolve("volumes").resolve(volume.getName());
                if (volume.getEmptyDir() != null) {
                    Files.createDirectories(dir);
                    Files.setPosixFilePermissions(dir, EnumSet.allOf(PosixFilePermission.class));
                } else if (volume.getSecret() != null) {
                    write(dir, manifests.secret(volume.getSecret().getSecretName()), volume.getSecret().getItems(),
                            volume.getSecret().getDefaultMode(), fsGroup);
                } else if (volume.getConfigMap() != null) {
                    write(dir, manifests.configMap(volume.getConfigMap().getName()), volume.getConfigMap().getItems(),
                            volume.getConfigMap().getDefaultMode(), fsGroup);
                } else if (volume.getPersistentVolumeClaim() != null) {
                    dir = claim(claims, volume.getPersistentVolumeClaim().getClaimName(), fsGroup);
                } else {
                    throw new IllegalStateException("volume " + volume.getName() + ": only emptyDir, secret, "
                            + "configMap and persistentVolumeClaim are supported by the harness");
                }
                out.put(volume.getName(), dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PodVolumes(out);
    }

    /** Adds a StatefulSet's claim template volume, named as the template, at the claim {@code claimName}. */
    public void addClaim(String volumeName, Map<String, Path> claims, String claimName, Integer fsGroup) {
        try {
            byName.put(volumeName, claim(claims, claimName, fsGroup));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker run} options for a container's mounts: {@code -v HOST[/subPath]:mountPath[:ro]}. */
    public List<String> dockerOptions(List<VolumeMount> mounts) {
        List<String> options = new ArrayList<>();
        for (VolumeMount mount : mounts) {
            Path dir = byName.get(mount.getName());
            if (dir == null) {
                throw new IllegalStateException("volumeMount " + mount.getName() + " names no volume of the pod");
            }
            Path source = mount.getSubPath() == null || mount.getSubPath().isEmpty() ? dir
                    : dir.resolve(mount.getSubPath());
            options.add("-v");
            options.add(source.toAbsolutePath() + ":" + mount.getMountPath()
                    + (Boolean.TRUE.equals(mount.getReadOnly()) ? ":ro" : ""));
        }
        return options;
    }

    private static Path claim(Map<String, Path> claims, String name, Integer fsGroup) throws IOException {
        Path dir = claims.get(name);
        if (dir == null) {
            throw new IllegalStateException("no claim dir for " + name);
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            // What the kubelet does for fsGroup: the volume's group, writable by it, new files inheriting it.
            Files.setPosixFilePermissions(dir, EnumSet.allOf(PosixFilePermission.class));
            if (fsGroup != null) {
                Files.setAttribute(dir, "unix:gid", fsGroup);
            }
        }
        return dir;
    }

    private static void write(Path dir, Map<String, byte[]> values, List<KeyToPath> items, Integer defaultMode,
            Integer fsGroup) throws IOException {
        Files.createDirectories(dir);
        Map<String, Integer> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            values.keySet().forEach(k -> files.put(k, null));
        } else {
            for (KeyToPath item : items) {
                if (!values.containsKey(item.getKey())) {
                    throw new IllegalStateException("volume item " + item.getKey() + " is not in its Secret or ConfigMap");
                }
                files.put(item.getKey(), item.getMode());
            }
        }
        Map<String, String> paths = new LinkedHashMap<>();
        if (items != null) {
            items.forEach(i -> paths.put(i.getKey(), i.getPath()));
        }
        for (Map.Entry<String, Integer> file : files.entrySet()) {
            Path target = dir.resolve(paths.getOrDefault(file.getKey(), file.getKey()));
            Files.createDirectories(target.getParent());
            Files.write(target, values.get(file.getKey()));
            int mode = file.getValue() != null ? file.getValue() : defaultMode != null ? defaultMode : 0644;
            Files.setPosixFilePermissions(target, permissions(mode));
            if (fsGroup != null) {
                Files.setAttribute(target, "unix:gid", fsGroup);
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }
}
