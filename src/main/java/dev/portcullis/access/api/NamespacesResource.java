package dev.portcullis.access.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.Namespaces;
import dev.portcullis.access.api.ApiViews.NamespaceView;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Namespaces; anonymous callers see the public ones (when anonymous pulls are on). */
@Path("/api/v1/namespaces")
@Produces(MediaType.APPLICATION_JSON)
public class NamespacesResource {

    public record NewNamespace(String name, String team, String visibility, String description) {
    }

    @Inject
    Namespaces namespaces;

    @Inject
    CurrentCaller caller;

    @GET
    public PageView<NamespaceView> list(@RestQuery Integer limit, @RestQuery String cursor) {
        Pagination.Page<Namespaces.Seen> page = namespaces.list(caller.subjectOrAnonymous(),
                Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(NamespaceView::of).toList(), page.next());
    }

    @GET
    @Path("{namespace}")
    public NamespaceView show(@RestPath String namespace) {
        return NamespaceView.of(namespaces.visible(caller.subjectOrAnonymous(), namespace));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
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
    public NamespaceView update(@RestPath String namespace, JsonNode body) {
        return NamespaceView.of(namespaces.update(caller.subject(), namespace,
                new MergePatch(body, Namespaces.PATCHABLE)));
    }

    @DELETE
    @Path("{namespace}")
    public Response delete(@RestPath String namespace) {
        namespaces.delete(caller.subject(), namespace);
        return Response.noContent().build();
    }
}
