package dev.portcullis.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * A JSON merge patch (RFC 7396) body: a member present changes that field, {@code null} clears it, an absent
 * member leaves it alone. Wrong types and unknown members are 422s, never silently ignored.
 */
public final class MergePatch {

    public static final String MEDIA_TYPE = "application/merge-patch+json";

    private final JsonNode body;

    public MergePatch(JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw Refusal.malformed("the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw Refusal.invalid("'" + name + "' cannot be changed; allowed: " + allowed);
            }
        }
        this.body = body;
    }

    public boolean has(String field) {
        return body.has(field);
    }

    /** The new text, or null when the patch clears the field. */
    public String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Refusal.invalid("'" + field + "' must be a string");
        }
        return value.asText();
    }

    public boolean bool(String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isBoolean()) {
            throw Refusal.invalid("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }
}
