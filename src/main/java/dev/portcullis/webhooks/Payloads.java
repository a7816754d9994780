package dev.portcullis.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.access.policy.RepositoryName;
import java.time.Instant;

/**
 * The bodies a webhook is sent, from what the outbox row points at: the stored registry event, or the data of an
 * access change or a ping. Pure: the worker reads the rows, this writes the JSON.
 */
public final class Payloads {

    /** A registry event as stored in {@code registry_events}. */
    public record StoredEvent(String id, Instant occurredAt, String action, String repository, String tag,
            String digest, String mediaType, Long size, String url, String actor, String requestId,
            String requestAddr, String requestHost, String requestMethod, String userAgent, String sourceAddr,
            String sourceInstance) {

        String namespace() {
            return RepositoryName.namespaceName(repository);
        }
    }

    private Payloads() {
    }

    /**
     * CloudEvents 1.0, structured mode (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md):
     * {@code id} is the delivery's (one per event and webhook, the same on every retry).
     */
    public static ObjectNode cloudEvent(ObjectMapper json, long deliveryId, EventType type, StoredEvent event,
            JsonNode data, Instant created) {
        ObjectNode ce = json.createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("id", Long.toString(deliveryId));
        ce.put("type", type.cloudEventType());
        if (event != null) {
            ce.put("source", "/namespaces/" + event.namespace());
            ce.put("subject", event.repository());
            ce.put("time", event.occurredAt().toString());
            ce.put("datacontenttype", "application/json");
            ObjectNode d = ce.putObject("data");
            d.put("repository", event.repository());
            d.put("tag", event.tag());
            d.put("digest", event.digest());
            d.put("mediaType", event.mediaType());
            if (event.size() == null) {
                d.putNull("size");
            } else {
                d.put("size", event.size());
            }
            d.put("actor", event.actor());
        } else {
            ce.put("source", source(type, data));
            String subject = subject(type, data);
            if (subject != null) {
                ce.put("subject", subject);
            }
            ce.put("time", created.toString());
            ce.put("datacontenttype", "application/json");
            ce.set("data", data);
        }
        return ce;
    }

    /**
     * What Portus sent: the registry's notification envelope with the one event
     * (https://distribution.github.io/distribution/about/notifications/). Access changes and pings, which Portus
     * never sent, go in the same envelope with their type as the action and their data as the target.
     */
    public static ObjectNode portus(ObjectMapper json, long deliveryId, EventType type, StoredEvent event,
            JsonNode data, Instant created) {
        ObjectNode envelope = json.createObjectNode();
        ObjectNode e = envelope.putArray("events").addObject();
        if (event == null) {
            e.put("id", Long.toString(deliveryId));
            e.put("timestamp", created.toString());
            e.put("action", type.wire());
            e.set("target", data);
            e.putObject("actor").put("name", data.path("actor").asText(null));
            return envelope;
        }
        e.put("id", event.id());
        e.put("timestamp", event.occurredAt().toString());
        e.put("action", event.action());
        ObjectNode target = e.putObject("target");
        target.put("mediaType", event.mediaType());
        if (event.size() != null) {
            target.put("size", event.size());
            target.put("length", event.size());
        }
        target.put("digest", event.digest());
        target.put("repository", event.repository());
        target.put("url", event.url());
        if (event.tag() != null) {
            target.put("tag", event.tag());
        }
        ObjectNode request = e.putObject("request");
        request.put("id", event.requestId());
        request.put("addr", event.requestAddr());
        request.put("host", event.requestHost());
        request.put("method", event.requestMethod());
        request.put("useragent", event.userAgent());
        e.putObject("actor").put("name", event.actor());
        ObjectNode source = e.putObject("source");
        source.put("addr", event.sourceAddr());
        source.put("instanceID", event.sourceInstance());
        return envelope;
    }

    private static String source(EventType type, JsonNode data) {
        return switch (type) {
            case MEMBER_ADDED, MEMBER_REMOVED, MEMBER_ROLE_CHANGED -> "/teams/" + data.path("team").asText();
            case VISIBILITY_CHANGED -> "/namespaces/" + data.path("namespace").asText();
            case TOKEN_CREATED, TOKEN_REVOKED -> "/users/" + data.path("user").asText();
            default -> "/webhooks/" + data.path("webhook").asText();
        };
    }

    private static String subject(EventType type, JsonNode data) {
        return switch (type) {
            case MEMBER_ADDED, MEMBER_REMOVED, MEMBER_ROLE_CHANGED, TOKEN_CREATED, TOKEN_REVOKED ->
                    data.path("user").asText(null);
            case VISIBILITY_CHANGED -> data.path("namespace").asText(null);
            default -> null;
        };
    }
}
