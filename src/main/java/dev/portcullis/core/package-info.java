/**
 * What every feature shares: the one error classifier and mapper (problem+json on the JSON API), pagination, merge
 * patches, secrets, clocks, counts.
 *
 * <p>The annotation below is the OpenAPI document's definition for the whole JSON API ({@code /q/openapi} on the
 * management port): how callers authenticate (every operation needs credentials unless it says otherwise), the
 * problem+json error responses, the pagination parameters. Title, license, contact and servers come from
 * configuration ({@code application.properties}, "OpenAPI"); {@link dev.portcullis.core.ApiDocumentFilter} adds the
 * errors that come with authentication to every operation that takes credentials.
 */
@OpenAPIDefinition(
        // Overridden by quarkus.smallrye-openapi.info-* (the annotation requires a value).
        info = @Info(title = "Portcullis API", version = "0"),
        securitySets = {
            @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC)),
            @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))},
        components = @Components(
                securitySchemes = {
                    @SecurityScheme(securitySchemeName = ApiDocument.BASIC, type = SecuritySchemeType.HTTP,
                            scheme = "basic", description = "HTTP Basic: the user name with the account's password,"
                                    + " or with one of its application tokens as the password (as docker login does)."
                                    + " A token costs a keyed hash per request, a password a bcrypt: scripts should"
                                    + " use tokens. Repeated failures are throttled (429)."),
                    @SecurityScheme(securitySchemeName = ApiDocument.BEARER, type = SecuritySchemeType.HTTP,
                            scheme = "bearer", description = "Authorization: Bearer with an application token"
                                    + " (never a registry token, never the web UI's session cookie).")},
                parameters = {
                    @Parameter(name = ApiDocument.LIMIT, in = ParameterIn.QUERY,
                            description = "How many items a page holds at most",
                            schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1",
                                    maximum = "200", defaultValue = "50")),
                    @Parameter(name = ApiDocument.CURSOR, in = ParameterIn.QUERY,
                            description = "Where the page starts: the `next` of the previous page, as it came;"
                                    + " absent for the first page. Opaque: a cursor this API did not hand out is a 400",
                            schema = @Schema(type = SchemaType.STRING))},
                headers = {
                    @Header(name = ApiDocument.RETRY_AFTER, description = "Seconds to wait before asking again",
                            schema = @Schema(type = SchemaType.INTEGER, minimum = "1")),
                    @Header(name = ApiDocument.WWW_AUTHENTICATE, description = "Always `Basic realm=\"Portcullis\"`",
                            schema = @Schema(type = SchemaType.STRING))},
                responses = {
                    @APIResponse(name = ApiDocument.BAD_REQUEST, description = "The request cannot be read: a"
                            + " malformed parameter, cursor or body, or a body that is not JSON of the expected shape",
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.UNAUTHORIZED, description = "No credentials where they are"
                            + " required, or wrong ones: an unknown account, a wrong password, a revoked or expired"
                            + " token, a disabled account",
                            headers = @Header(name = ApiDocument.WWW_AUTHENTICATE, ref = ApiDocument.WWW_AUTHENTICATE),
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.FORBIDDEN, description = "The caller is known and may not do"
                            + " this (the detail says why), or its application token may not",
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.NOT_FOUND, description = "No such thing, or none the caller may"
                            + " see (so that private names do not leak)",
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.CONFLICT, description = "It cannot be done as things stand: the"
                            + " name is taken, the last owner or admin would go, images are in the way",
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.UNPROCESSABLE, description = "Well-formed but not acceptable: a"
                            + " name outside the grammar, a password too short, a member that cannot be patched",
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.TOO_MANY_REQUESTS, description = "Too many failed sign-ins for"
                            + " this account or address: the credentials were not checked; ask again after Retry-After",
                            headers = @Header(name = ApiDocument.RETRY_AFTER, ref = ApiDocument.RETRY_AFTER),
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class))),
                    @APIResponse(name = ApiDocument.UNAVAILABLE, description = "Not now: the database (or, where"
                            + " the operation calls it, the registry) cannot serve; nothing was changed, ask again after"
                            + " Retry-After",
                            headers = @Header(name = ApiDocument.RETRY_AFTER, ref = ApiDocument.RETRY_AFTER),
                            content = @Content(mediaType = ErrorMapper.PROBLEM_JSON,
                                    schema = @Schema(implementation = Problem.class)))}))
package dev.portcullis.core;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
