package dev.portcullis.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Builds the query strings of pagination and filter links. */
final class Links {

    private Links() {
    }

    /** {@code path?a=1&b=2}, leaving out empty values. */
    static String of(String path, String... namesAndValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            params.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return query.length() == 0 ? path : path + "?" + query;
    }

    /** A form field as the services take it: blank means absent. */
    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
