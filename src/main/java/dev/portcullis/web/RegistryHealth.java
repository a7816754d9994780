package dev.portcullis.web;

import dev.portcullis.registry.RegistryResource;
import java.time.Instant;
import java.util.Map;

/** The registry as an admin watches it, read from {@link RegistryResource#status()} (the API's own answer). */
public record RegistryHealth(String url, boolean reachable, Instant lastReconciliation, String lastOutcome,
        String lastError, long events, long parked, long detailsPending, long detailsFailing, long repositories,
        long tags) {

    @SuppressWarnings("unchecked")
    static RegistryHealth of(Map<String, Object> status) {
        Map<String, Object> last = (Map<String, Object>) status.get("lastReconciliation");
        Map<String, Object> events = (Map<String, Object>) status.getOrDefault("events", Map.of());
        Map<String, Object> details = (Map<String, Object>) status.getOrDefault("details", Map.of());
        return new RegistryHealth((String) status.get("url"), Boolean.TRUE.equals(status.get("reachable")),
                last == null ? null : (Instant) last.get("startedAt"), last == null ? null : (String) last.get("outcome"),
                last == null ? null : (String) last.get("error"), number(events.get("stored")),
                number(events.get("parked")), number(details.get("pending")), number(details.get("failing")),
                number(status.get("repositories")), number(status.get("tags")));
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
