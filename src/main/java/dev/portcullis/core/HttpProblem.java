package dev.portcullis.core;

import java.util.Map;

/**
 * A request that cannot be served as asked. Rendered as {@code application/problem+json} on the API and in
 * the registry's own error shape on {@code /v2/...} (see {@link ErrorResponses}).
 *
 * @param code the registry error code (distribution's errcode names) used on {@code /v2/...}
 */
public class HttpProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final Map<String, String> headers;

    public HttpProblem(int status, String code, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    public HttpProblem(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of());
    }

    public static HttpProblem badRequest(String detail) {
        return new HttpProblem(400, "UNSUPPORTED", "Bad request", detail);
    }

    public static HttpProblem unauthorized(String detail) {
        return new HttpProblem(401, "UNAUTHORIZED", "Unauthorized", detail,
                Map.of("WWW-Authenticate", "Basic realm=\"Portcullis\""));
    }

    public static HttpProblem forbidden(String detail) {
        return new HttpProblem(403, "DENIED", "Forbidden", detail);
    }

    public static HttpProblem notFound(String detail) {
        return new HttpProblem(404, "NOT_FOUND", "Not found", detail);
    }

    public static HttpProblem conflict(String detail) {
        return new HttpProblem(409, "CONFLICT", "Conflict", detail);
    }

    public static HttpProblem unprocessable(String detail) {
        return new HttpProblem(422, "UNSUPPORTED", "Unprocessable content", detail);
    }

    public static HttpProblem unavailable(String detail) {
        return new HttpProblem(503, "UNAVAILABLE", "Service unavailable", detail, Map.of("Retry-After", "1"));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }
}
