package dev.portcullis.core;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An error of the JSON API as it goes on the wire: {@code application/problem+json} (RFC 9457). The same record is
 * the schema the OpenAPI document gives for every error response ({@link ApiDocument}), so the two cannot drift.
 */
@RegisterForReflection
@Schema(name = "Problem", description = "An error (RFC 9457 problem details); never a class name or a stack trace",
        requiredProperties = {"type", "title", "status", "detail"})
public record Problem(
        @Schema(description = "always about:blank: the status says what kind of error it is", examples = "about:blank")
        String type,
        @Schema(description = "the status in words", examples = "Conflict")
        String title,
        @Schema(description = "the HTTP status, the same as the response's", examples = "409")
        int status,
        @Schema(description = "what went wrong, in words for people", examples = "the name 'alice' is taken")
        String detail) {

    static Problem of(Failure failure) {
        return new Problem("about:blank", failure.title(), failure.status(), failure.detail());
    }
}
