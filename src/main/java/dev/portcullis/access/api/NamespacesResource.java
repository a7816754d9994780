package dev.portcullis.access.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.Namespaces;
import dev.portcullis.access.api.ApiViews.NamespaceView;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Namespaces; anonymous callers see the public ones (when anonymous pulls are on). */
@Path("/api/v1/namespaces")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "namespaces", description = "Namespaces, the first component of a repository name: personal ones, the"
        + " teams' and the global one. Listed to whoever may pull from them; their team's owners change them")
public class NamespacesResource {

    @Schema(requiredProperties = {"name", "team"})
    public record NewNamespace(String name, @Schema(description = "the team it belongs to") String team,
            @Schema(enumeration = {"private", "protected", "public"}, description = "absent: private")
            String visibility,
            String description) {
    }

    /** What {@code PATCH /api/v1/namespaces/{namespace}} may change. */
    @Schema(description = "A JSON merge patch (RFC 7396): a member present changes it, null clears it; team moves a"
            + " team's namespace to another team the caller owns")
    public record NamespacePatch(String description,
            @Schema(enumeration = {"private", "protected", "public"}) String visibility, String team) {
    }

    @Inject
    Namespaces namespaces;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "listNamespaces", summary = "The namespaces the caller may pull from, by name")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers see the public ones
    @APIResponse(responseCode = "200", description = "A page of namespaces, each with the caller's role there")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    public PageView<NamespaceView> list(@RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        Pagination.Page<Namespaces.Seen> page = namespaces.list(caller.subjectOrAnonymous(),
                Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(NamespaceView::of).toList(), page.next());
    }

    @GET
    @Path("{namespace}")
    @Operation(operationId = "getNamespace", summary = "A namespace the caller may pull from")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers see the public ones
    @APIResponse(responseCode = "200", description = "The namespace, with the caller's role there")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public NamespaceView show(@RestPath String namespace) {
        return NamespaceView.of(namespaces.visible(caller.subjectOrAnonymous(), namespace));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createNamespace", summary = "Create a namespace of a team (its owners)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewNamespace.class), examples = @ExampleObject(name = "protected",
                    value = "{\"name\": \"team-a-tools\", \"team\": \"team-a\", \"visibility\": \"protected\"}")))
    @APIResponseSchema(value = NamespaceView.class, responseCode = "201",
            responseDescription = "Created; Location names it")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response create(NewNamespace body) {
        Subject subject = caller.subject();
        if (body == null || body.name() == null) {
            throw Refusal.invalid("name and team are required");
        }
        Visibility visibility = body.visibility() == null ? null : Namespaces.parseVisibility(body.visibility());
        Namespace ns = namespaces.create(subject, body.name(), body.team(), visibility, body.description());
        return Response.created(URI.create("/api/v1/namespaces/" + ns.name))
                .entity(NamespaceView.of(namespaces.visible(subject, ns.name))).build();
    }

    @PATCH
    @Path("{namespace}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(operationId = "updateNamespace", summary = "Change a namespace (its owners)")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = NamespacePatch.class),
                examples = @ExampleObject(name = "publish", value = "{\"visibility\": \"public\"}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NamespacePatch.class))})
    @APIResponse(responseCode = "200", description = "The namespace as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public NamespaceView update(@RestPath String namespace, JsonNode body) {
        return NamespaceView.of(namespaces.update(caller.subject(), namespace,
                new MergePatch(body, Namespaces.PATCHABLE)));
    }

    @DELETE
    @Path("{namespace}")
    @Operation(operationId = "deleteNamespace", summary = "Delete a team's namespace that holds no images (owners)")
    @APIResponse(responseCode = "204", description = "Deleted; its empty repositories went with it")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public Response delete(@RestPath String namespace) {
        namespaces.delete(caller.subject(), namespace);
        return Response.noContent().build();
    }
}
