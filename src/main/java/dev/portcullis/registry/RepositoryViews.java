package dev.portcullis.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the API shows of repositories and tags. */
public final class RepositoryViews {

    private RepositoryViews() {
    }

    public record RepositoryView(String name, String namespace, String description, int tags, long pulls,
            long stars, Instant lastPushAt, Instant lastPullAt) {
    }

    public record TagView(String name, String digest, String mediaType, Long size, List<String> platforms,
            String pushedBy, Instant pushedAt, Instant lastPulledAt, Instant created, Map<String, String> labels,
            boolean detailsPending) {
    }

    /** @param starred whether the caller starred it */
    public record RepositoryDetailView(String name, String namespace, String description, long pulls, long stars,
            boolean starred, Instant lastPushAt, Instant lastPullAt, List<TagView> tags) {
    }

    public record DeletedView(String repository, String digest, List<String> tags) {
    }
}
