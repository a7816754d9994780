package dev.portcullis.core;

/**
 * The names the OpenAPI document of the JSON API gives to what it defines once (in this package's
 * {@code package-info.java}, the only place MicroProfile OpenAPI reads such a definition besides an
 * {@code Application} class): the security schemes, the pagination parameters, the headers and the problem+json
 * error responses. Resources refer to them by these names.
 */
public final class ApiDocument {

    /** Security schemes. */
    public static final String BASIC = "basic";
    public static final String BEARER = "bearer";

    /** Parameters of every list. */
    public static final String LIMIT = "limit";
    public static final String CURSOR = "cursor";

    /** Headers. */
    public static final String RETRY_AFTER = "Retry-After";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    /** Error responses, one per kind of {@link Refusal}. */
    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String CONFLICT = "Conflict";
    public static final String UNPROCESSABLE = "UnprocessableContent";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";
    public static final String UNAVAILABLE = "ServiceUnavailable";

    private ApiDocument() {
    }
}
