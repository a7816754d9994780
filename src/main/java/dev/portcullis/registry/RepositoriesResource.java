package dev.portcullis.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.RepositoryViews.DeletedView;
import dev.portcullis.registry.RepositoryViews.RepositoryDetailView;
import dev.portcullis.registry.RepositoryViews.RepositoryView;
import dev.portcullis.registry.RepositoryViews.TagView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Repositories and tags. Like the registry's own API, a repository is addressed by its full name with its
 * slashes ({@code /api/v1/repositories/alice/tools/hello}); {@code /tags/<tag>} and {@code /star} end a path.
 */
@Path("/api/v1/repositories")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "repositories", description = "Repositories and tags as the registry's notifications and reconciliation"
        + " keep them. A repository is named in full, slashes and all (alice/tools/hello); who may pull sees it")
public class RepositoriesResource {

    @Inject
    Repositories repositories;

    @Inject
    ImageDeletes deletes;

    @Inject
    Descriptions descriptions;

    @Inject
    Stars stars;

    @Inject
    CurrentCaller caller;

    @Schema(name = "RepositoryPage")
    public record PageView(List<RepositoryView> items,
            @Schema(description = "the cursor of the next page, null on the last") String next) {
    }

    /** What {@code PATCH /api/v1/repositories/{name}} may change. */
    @Schema(description = "A JSON merge patch (RFC 7396): the description in markdown, null clears it")
    public record RepositoryPatch(String description) {
    }

    /** The images a repository delete removed from the registry. */
    public record DeletedImages(List<DeletedView> deleted) {
    }

    /** Repositories the caller may pull; {@code sort} is {@code name}, {@code pushed} or {@code pulls}. */
    @GET
    @Operation(operationId = "listRepositories", summary = "The repositories the caller may pull")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers see public namespaces' repositories
    @APIResponse(responseCode = "200", description = "A page of repositories")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    public PageView list(@RestQuery @Parameter(description = "only this namespace's") String namespace,
            @RestQuery @Parameter(description = "only names containing this") String q,
            @RestQuery @Parameter(description = "by name (default), last push or pulls, the newest or most first",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"name", "pushed", "pulls"})) String sort,
            @RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) throws SQLException {
        if (namespace != null && !RepositoryName.isComponent(namespace) && !NamespaceFacts.GLOBAL_NAME.equals(namespace)) {
            throw Refusal.malformed("namespace is not a valid namespace name");
        }
        if (q != null && q.length() > 255) {
            throw Refusal.malformed("q is longer than 255 characters");
        }
        Pagination.Page<RepositoryView> page = repositories.list(caller.subjectOrAnonymous(), namespace, q,
                sort(sort), cursor, Pagination.limit(limit));
        return new PageView(page.items(), page.next());
    }

    @GET
    @Path("{name: .+}/tags/{tag}")
    @Operation(operationId = "getTag", summary = "A tag: its image's digest, size, platforms, pusher, labels")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers see public namespaces' repositories
    @APIResponse(responseCode = "200", description = "The tag")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public TagView tag(@RestPath String name, @RestPath String tag) throws SQLException {
        return repositories.tag(caller.subjectOrAnonymous(), name, tag);
    }

    /** Deletes the image the tag names; {@code force=true} is needed when other tags name it too. */
    @DELETE
    @Path("{name: .+}/tags/{tag}")
    @Operation(operationId = "deleteTag", summary = "Delete the image a tag names, in the registry (delete rule)")
    @APIResponse(responseCode = "200", description = "The image deleted and every tag that named it")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public DeletedView deleteTag(@RestPath String name, @RestPath String tag,
            @RestQuery @Parameter(description = "true: also when other tags name the same image (they go too)")
            Boolean force)
            throws SQLException {
        return deletes.deleteTag(caller.subject(), name, tag, Boolean.TRUE.equals(force));
    }

    @PUT
    @Path("{name: .+}/star")
    @Operation(operationId = "starRepository", summary = "Star a repository")
    @APIResponse(responseCode = "204", description = "Starred (or it was)")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public Response star(@RestPath String name) throws SQLException {
        stars.star(caller.subject(), name, true);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{name: .+}/star")
    @Operation(operationId = "unstarRepository", summary = "Take a repository's star back")
    @APIResponse(responseCode = "204", description = "Not starred (any more)")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public Response unstar(@RestPath String name) throws SQLException {
        stars.star(caller.subject(), name, false);
        return Response.noContent().build();
    }

    @GET
    @Path("{name: .+}")
    @Operation(operationId = "getRepository", summary = "A repository with its tags")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers see public namespaces' repositories
    @APIResponse(responseCode = "200", description = "The repository")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public RepositoryDetailView show(@RestPath String name) throws SQLException {
        return repositories.show(caller.subjectOrAnonymous(), name);
    }

    /** The description (markdown): {@code {"description": "..."}}. */
    @PATCH
    @Path("{name: .+}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(operationId = "describeRepository", summary = "Change a repository's description (owners)")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = RepositoryPatch.class),
                examples = @ExampleObject(name = "describe", value = "{\"description\": \"# hello\\nSays hello.\"}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RepositoryPatch.class))})
    @APIResponse(responseCode = "200", description = "The repository as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public RepositoryDetailView describe(@RestPath String name, JsonNode body) throws SQLException {
        MergePatch patch = new MergePatch(body, Set.of("description"));
        descriptions.describe(caller.subject(), name, patch.text("description"));
        return repositories.show(caller.subject(), name);
    }

    /** Deletes every image of the repository in the registry; the repository stays, empty, with its history. */
    @DELETE
    @Path("{name: .+}")
    @Operation(operationId = "deleteRepositoryImages", summary = "Delete every image of a repository, in the"
            + " registry (delete rule); the repository stays, empty, with its history")
    @APIResponse(responseCode = "200", description = "The images deleted")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public DeletedImages delete(@RestPath String name) throws SQLException {
        return new DeletedImages(deletes.deleteRepository(caller.subject(), name));
    }

    static Repositories.Sort sort(String sort) {
        if (sort == null || sort.isEmpty()) {
            return Repositories.Sort.NAME;
        }
        for (Repositories.Sort s : Repositories.Sort.values()) {
            if (s.name().equalsIgnoreCase(sort)) {
                return s;
            }
        }
        throw Refusal.malformed("sort must be one of name, pushed, pulls");
    }
}
