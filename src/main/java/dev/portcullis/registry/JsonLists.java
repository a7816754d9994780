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

    static List<String> strings(byte[] body, String field) throws RegistryClient.RegistryUnavailable {
        try {
            JsonNode array = JSON.readTree(body).path(field);
            List<String> values = new ArrayList<>();
            if (array.isArray()) {
                for (JsonNode value : array) {
                    if (value.isTextual()) {
                        values.add(value.asText());
                    }
                }
            } else if (!array.isNull() && !array.isMissingNode()) {
                throw new RegistryClient.RegistryUnavailable("'" + field + "' is not a list");
            }
            return values;
        } catch (IOException e) {
            throw new RegistryClient.RegistryUnavailable("the registry answered something that is not JSON");
        }
    }
}
