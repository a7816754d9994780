package dev.portcullis.events;

import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Subject;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Set;

/** One event of a registry notification envelope, with the fields a user may need later. */
@RegisterForReflection // written as JSON when parked (EventWriter)
public record RegistryEvent(
        String id,
        Instant timestamp,
        String action,
        String repository,
        String tag,
        String digest,
        String mediaType,
        Long size,
        String url,
        String fromRepository,
        String actor,
        String requestId,
        String requestAddr,
        String requestHost,
        String requestMethod,
        String userAgent,
        String sourceAddr,
        String sourceInstance) {

    /** Docker v2 (incl. the old schema 1), Docker manifest lists, OCI manifests and OCI image indexes. */
    static final Set<String> MANIFEST_TYPES = Set.of(
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    /**
     * Blob events carry {@code application/octet-stream}; manifests carry a manifest type and a
     * {@code /manifests/} URL. A delete by digest carries neither, and only manifests are deleted that way.
     */
    public boolean isManifest() {
        if (mediaType != null && MANIFEST_TYPES.contains(mediaType)) {
            return true;
        }
        if (url != null) {
            return url.contains("/manifests/");
        }
        return "delete".equals(action) && (mediaType == null || mediaType.isEmpty());
    }

    /** The activity this event shows in the feed, or null: blobs, mounts and HEAD checks show nothing. */
    public String activity() {
        if (!isManifest()) {
            return null;
        }
        return switch (action) {
            case "push" -> "push";
            // The registry reports its HEAD existence checks as pulls too; only a GET fetched the image.
            case "pull" -> "GET".equalsIgnoreCase(requestMethod) ? "pull" : null;
            case "delete" -> "delete";
            default -> null;
        };
    }

    /** What storing an event does besides keeping it in the event log; the store, the feed and the metrics read it. */
    public enum Effect {
        /** It changes the catalog and shows in the feed. */
        TAKES_EFFECT,
        /**
         * Portcullis's own change (a delete through the API): it changes the catalog, but the feed has it already,
         * under whoever asked for it, not under {@link Subject#INTERNAL_NAME}.
         */
        INTERNAL,
        /** It changes neither: blob events, mounts, HEAD checks, Portcullis's own reads. */
        IGNORED
    }

    public Effect effect() {
        String change = activity();
        if (change == null) {
            return Effect.IGNORED;
        }
        if (Subject.INTERNAL_NAME.equals(actor)) {
            return "pull".equals(change) ? Effect.IGNORED : Effect.INTERNAL;
        }
        return Effect.TAKES_EFFECT;
    }

    /** The namespace the activity is filed under; global repositories under the global namespace's name. */
    public String namespace() {
        return RepositoryName.namespaceName(repository);
    }
}
