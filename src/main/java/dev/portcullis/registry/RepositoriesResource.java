package dev.portcullis.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
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
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Repositories and tags. Like the registry's own API, a repository is addressed by its full name with its
 * slashes ({@code /api/v1/repositories/alice/tools/hello}); {@code /tags/<tag>} and {@code /star} end a path.
 */
@Path("/api/v1/repositories")
@Produces(MediaType.APPLICATION_JSON)
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

    public record PageView(List<RepositoryView> items, String next) {
    }

    /** Repositories the caller may pull; {@code sort} is {@code name}, {@code pushed} or {@code pulls}. */
    @GET
    public PageView list(@RestQuery String namespace, @RestQuery String q, @RestQuery String sort,
            @RestQuery Integer limit, @RestQuery String cursor) throws SQLException {
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
    public TagView tag(@RestPath String name, @RestPath String tag) throws SQLException {
        return repositories.tag(caller.subjectOrAnonymous(), name, tag);
    }

    /** Deletes the image the tag names; {@code force=true} is needed when other tags name it too. */
    @DELETE
    @Path("{name: .+}/tags/{tag}")
    public DeletedView deleteTag(@RestPath String name, @RestPath String tag, @RestQuery Boolean force)
            throws SQLException {
        return deletes.deleteTag(caller.subject(), name, tag, Boolean.TRUE.equals(force));
    }

    @PUT
    @Path("{name: .+}/star")
    public Response star(@RestPath String name) throws SQLException {
        stars.star(caller.subject(), name, true);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{name: .+}/star")
    public Response unstar(@RestPath String name) throws SQLException {
        stars.star(caller.subject(), name, false);
        return Response.noContent().build();
    }

    @GET
    @Path("{name: .+}")
    public RepositoryDetailView show(@RestPath String name) throws SQLException {
        return repositories.show(caller.subjectOrAnonymous(), name);
    }

    /** The description (markdown): {@code {"description": "..."}}. */
    @PATCH
    @Path("{name: .+}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public RepositoryDetailView describe(@RestPath String name, JsonNode body) throws SQLException {
        MergePatch patch = new MergePatch(body, Set.of("description"));
        descriptions.describe(caller.subject(), name, patch.text("description"));
        return repositories.show(caller.subject(), name);
    }

    /** Deletes every image of the repository in the registry; the repository stays, empty, with its history. */
    @DELETE
    @Path("{name: .+}")
    public Map<String, List<DeletedView>> delete(@RestPath String name) throws SQLException {
        return Map.of("deleted", deletes.deleteRepository(caller.subject(), name));
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
