package dev.portcullis.events;

import java.time.Instant;

/** One line of the activity feed. */
public record Activity(long id, String action, String namespace, String repository, String tag, String digest,
        String actor, String team, String targetUser, String detail, Instant timestamp) {
}
