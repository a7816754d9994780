package dev.portcullis.access.api;

import dev.portcullis.access.ApplicationToken;
import dev.portcullis.access.ApplicationTokens;
import dev.portcullis.access.api.ApiViews.CreatedTokenView;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.api.ApiViews.TokenView;
import dev.portcullis.access.auth.CurrentCaller;
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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** A user's application tokens: only the user themselves or an admin, never another user. */
@Path("/api/v1/users/{username}/application-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ApplicationTokensResource {

    /**
     * The body of a token creation.
     *
     * @param expiresAt  optional RFC 3339 instant after which the token stops working
     * @param readOnly   pull only, whatever the owner may do
     * @param namespaces optional list of the only namespaces the token may touch
     */
    public record NewToken(String name, Instant expiresAt, Boolean readOnly, List<String> namespaces) {
    }

    @Inject
    ApplicationTokens tokens;

    @Inject
    CurrentCaller caller;

    /** Every token, revoked ones too (with {@code revokedAt}), oldest first; never a secret. */
    @GET
    public PageView<TokenView> list(@RestPath String username, @RestQuery Integer limit, @RestQuery String cursor) {
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
    public Response revoke(@RestPath String username, @RestPath long id) {
        tokens.revoke(caller.subject(), username, id);
        return Response.noContent().build();
    }
}
