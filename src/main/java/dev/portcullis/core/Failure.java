package dev.portcullis.core;

import java.util.Map;

/**
 * What an error becomes on the wire, whatever face answers it: the status, the registry's error code (the
 * names of distribution's {@code errcode}), a title and a detail for people, the headers that go with it, and
 * the OAuth2 error code where the token endpoint's form must answer in that shape.
 */
public record Failure(int status, String code, String title, String detail, Map<String, String> headers,
        String oauthError) {

    public Failure {
        headers = Map.copyOf(headers);
    }

    Failure(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of(), null);
    }
}
