package dev.portcullis.access.api;

import dev.portcullis.access.ApplicationToken;
import dev.portcullis.access.ApplicationTokens;
import dev.portcullis.access.api.ApiViews.CreatedTokenView;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.api.ApiViews.TokenView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** A user's application tokens: only the user themselves or an admin, never another user. */
@Path("/api/v1/users/{username}/application-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "application-tokens", description = "A user's application tokens: for docker login, scripts and CI, as"
        + " the password of HTTP Basic or as a Bearer token. Only the user themselves or an admin")
public class ApplicationTokensResource {

    /**
     * The body of a token creation.
     *
     * @param expiresAt  optional RFC 3339 instant after which the token stops working
     * @param readOnly   pull only, whatever the owner may do
     * @param namespaces optional list of the only namespaces the token may touch
     */
    @Schema(requiredProperties = "name")
    public record NewToken(String name, Instant expiresAt,
            @Schema(description = "pull only, whatever the owner may do") Boolean readOnly,
            @Schema(description = "the only namespaces the token may touch; absent: wherever its owner may")
            List<String> namespaces) {
    }

    @Inject
    ApplicationTokens tokens;

    @Inject
    CurrentCaller caller;

    /** Every token, revoked ones too (with {@code revokedAt}), oldest first; never a secret. */
    @GET
    @Operation(operationId = "listApplicationTokens", summary = "A user's tokens, oldest first; never a secret")
    @APIResponse(responseCode = "200", description = "A page of tokens, revoked ones too (with revokedAt)")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public PageView<TokenView> list(@RestPath String username,
            @RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        String position = Pagination.decode(cursor);
        long after;
        try {
            after = position.isEmpty() ? 0 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw Refusal.malformed("cursor is not one this API returned");
        }
        Pagination.Page<ApplicationToken> page = tokens.list(caller.subject(), username, after, Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(TokenView::of).toList(), page.next());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createApplicationToken", summary = "Create a token; its secret is in the answer, once")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewToken.class), examples = @ExampleObject(name = "ci",
                    value = "{\"name\": \"ci\", \"namespaces\": [\"team-a\"], \"expiresAt\": \"2030-01-01T00:00:00Z\"}")))
    @APIResponseSchema(value = CreatedTokenView.class, responseCode = "201",
            responseDescription = "Created, with the secret (token) shown this once; Cache-Control: no-store")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response create(@RestPath String username, NewToken body) {
        if (body == null) {
            throw Refusal.invalid("a body with at least a name is required");
        }
        ApplicationTokens.Created created = tokens.create(caller.subject(), username, body.name(), body.expiresAt(),
                Boolean.TRUE.equals(body.readOnly()), body.namespaces());
        ApplicationToken t = created.token();
        return Response.created(URI.create("/api/v1/users/" + username + "/application-tokens/" + t.id))
                .header("Cache-Control", "no-store")
                .entity(new CreatedTokenView(t.id, t.name, created.secret(), t.readOnly,
                        List.copyOf(t.namespaceSet()), t.expiresAt))
                .build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeApplicationToken", summary = "Revoke a token, at once")
    @APIResponse(responseCode = "204", description = "Revoked (or it was already)")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public Response revoke(@RestPath String username, @RestPath long id) {
        tokens.revoke(caller.subject(), username, id);
        return Response.noContent().build();
    }
}
