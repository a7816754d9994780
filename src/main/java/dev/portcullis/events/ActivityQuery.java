package dev.portcullis.events;

import java.time.Instant;

/** Filters and position of one page of the activity feed; null fields do not filter. */
public record ActivityQuery(String repository, String namespace, String action, String tag, String actor,
        Instant from, Instant to, int limit, Cursor after) {


    /** The position after the last item of a page: (occurred_at, id), newest first. */
    public record Cursor(long epochMicros, long id) {
    }
}
