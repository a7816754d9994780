package dev.portcullis.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.portcullis.access.policy.RepositoryName;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the registry's {@code {"events":[...]}} leniently: unknown fields are ignored, an event that cannot be
 * understood is parked (never blocking the registry's queue), and only a malformed envelope is an error.
 *
 * @see <a href="https://distribution.github.io/distribution/about/notifications/">Notifications</a>
 */
public final class EnvelopeParser {

    static final Set<String> ACTIONS = Set.of("push", "pull", "mount", "delete");
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** distribution's {@code reference/regexp.go}: a tag, and a digest {@code algorithm:encoded}. */
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    static final int MAX_EVENTS = 1000;
    /** The range of MariaDB's TIMESTAMP type. */
    static final Instant FIRST_TIMESTAMP = Instant.parse("1970-01-01T00:00:01Z");
    static final Instant LAST_TIMESTAMP = Instant.parse("2038-01-19T03:14:07Z");

    private final ObjectMapper json;

    public EnvelopeParser(ObjectMapper json) {
        this.json = json;
    }

    /** @throws MalformedEnvelopeException when the body is not a JSON object with an {@code events} array */
    public Envelope parse(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new MalformedEnvelopeException("the body is not JSON");
        }
        if (root == null || !root.isObject() || !root.path("events").isArray()) {
            throw new MalformedEnvelopeException("expected {\"events\":[...]}");
        }
        JsonNode events = root.get("events");
        if (events.size() > MAX_EVENTS) {
            throw new MalformedEnvelopeException("more than " + MAX_EVENTS + " events in one envelope");
        }
        List<RegistryEvent> good = new ArrayList<>(events.size());
        List<Envelope.ParkedEvent> parked = new ArrayList<>();
        for (JsonNode node : events) {
            try {
                good.add(event(node));
            } catch (UnreadableEvent e) {
                parked.add(new Envelope.ParkedEvent(parkableId(node), e.getMessage(), raw(node)));
            }
        }
        return new Envelope(List.copyOf(good), List.copyOf(parked));
    }

    private RegistryEvent event(JsonNode node) {
        if (!node.isObject()) {
            throw new UnreadableEvent("an event must be a JSON object");
        }
        String id = text(node, "id", 64, true);
        if (!EVENT_ID.matcher(id).matches()) {
            throw new UnreadableEvent("invalid event id");
        }
        String action = text(node, "action", 16, true);
        if (!ACTIONS.contains(action)) {
            throw new UnreadableEvent("unknown action");
        }
        Instant timestamp;
        try {
            timestamp = OffsetDateTime.parse(text(node, "timestamp", 64, true)).toInstant();
        } catch (DateTimeParseException e) {
            throw new UnreadableEvent("timestamp is not RFC 3339");
        }
        if (timestamp.isBefore(FIRST_TIMESTAMP) || timestamp.isAfter(LAST_TIMESTAMP)) {
            // MariaDB's TIMESTAMP columns hold no other: INSERT IGNORE would keep a zero date, anything else fail.
            throw new UnreadableEvent("timestamp outside " + FIRST_TIMESTAMP + " … " + LAST_TIMESTAMP);
        }
        JsonNode target = object(node, "target", true);
        String repository = text(target, "repository", 255, true);
        // A name or digest outside the registry's grammar is no event of a real registry: parked, it can never
        // make the catalog or the details fetcher trip over it later.
        if (!RepositoryName.isValid(repository)) {
            throw new UnreadableEvent("target.repository is not a repository name");
        }
        String tag = text(target, "tag", 128, false);
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new UnreadableEvent("target.tag is not a tag");
        }
        String digest = text(target, "digest", 135, false);
        if (digest != null && !digest.isEmpty() && !DIGEST.matcher(digest).matches()) {
            throw new UnreadableEvent("target.digest is not a digest");
        }
        JsonNode request = object(node, "request", false);
        JsonNode actor = object(node, "actor", false);
        JsonNode source = object(node, "source", false);
        JsonNode size = target.get("size");
        if (size != null && !size.isNull() && !size.canConvertToLong()) {
            throw new UnreadableEvent("target.size is not a number");
        }
        return new RegistryEvent(id, timestamp, action, repository, tag, emptyToNull(digest),
                text(target, "mediaType", 255, false),
                size == null || size.isNull() ? null : size.asLong(),
                text(target, "url", 2048, false),
                text(target, "fromRepository", 255, false),
                emptyToNull(text(actor, "name", 255, false)),
                text(request, "id", 64, false),
                text(request, "addr", 255, false),
                text(request, "host", 255, false),
                text(request, "method", 16, false),
                clip(text(request, "useragent", Integer.MAX_VALUE, false), 1024),
                text(source, "addr", 255, false),
                text(source, "instanceID", 64, false));
    }

    private static JsonNode object(JsonNode parent, String field, boolean required) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new UnreadableEvent("missing " + field);
            }
            return MissingNode.getInstance();
        }
        if (!value.isObject()) {
            throw new UnreadableEvent(field + " is not an object");
        }
        return value;
    }

    private static String text(JsonNode parent, String field, int maxLength, boolean required) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new UnreadableEvent("missing " + field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new UnreadableEvent(field + " is not a string");
        }
        String text = value.asText();
        if (required && text.isEmpty()) {
            throw new UnreadableEvent("empty " + field);
        }
        if (text.length() > maxLength) {
            throw new UnreadableEvent(field + " is longer than " + maxLength);
        }
        return text;
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The id of an unreadable event, when it has a usable one, so a retried poison event is parked once. */
    private static String parkableId(JsonNode node) {
        JsonNode id = node.isObject() ? node.get("id") : null;
        return id != null && id.isTextual() && EVENT_ID.matcher(id.asText()).matches() ? id.asText() : null;
    }

    private String raw(JsonNode node) {
        try {
            String text = json.writeValueAsString(node);
            return text.length() > 1_000_000 ? text.substring(0, 1_000_000) : text;
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    /** The body is not an envelope at all: 400. */
    public static class MalformedEnvelopeException extends RuntimeException {
        public MalformedEnvelopeException(String message) {
            super(message, null, false, false);
        }
    }

    private static class UnreadableEvent extends RuntimeException {
        UnreadableEvent(String message) {
            super(message, null, false, false);
        }
    }
}
