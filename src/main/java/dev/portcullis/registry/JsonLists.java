package dev.portcullis.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the string arrays of the registry's catalog and tag-list answers. */
final class JsonLists {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLists() {
    }

    /** @throws IOException when the body is not JSON, or the field is not a list */
    static List<String> strings(byte[] body, String field) throws IOException {
        JsonNode array;
        try {
            array = JSON.readTree(body).path(field);
        } catch (IOException e) {
            throw new IOException("the registry answered something that is not JSON");
        }
        List<String> values = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode value : array) {
                if (value.isTextual()) {
                    values.add(value.asText());
                }
            }
        } else if (!array.isNull() && !array.isMissingNode()) {
            throw new IOException("'" + field + "' is not a list");
        }
        return values;
    }
}
