package dev.portcullis.access.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.User;
import dev.portcullis.access.Users;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.api.ApiViews.UserView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
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

/** User administration: admins manage everyone; a user sees and changes only themselves. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class UsersResource {

    /** The body of {@code POST /api/v1/users}; bots have no password. */
    public record NewUser(String username, String password, String email, String displayName, Boolean admin,
            Boolean bot) {
    }

    @Inject
    Users users;

    @Inject
    CurrentCaller caller;

    @GET
    @RolesAllowed("admin")
    public PageView<UserView> list(@RestQuery Integer limit, @RestQuery String cursor) {
        Pagination.Page<User> page = users.list(Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(UserView::of).toList(), page.next());
    }

    @GET
    @Path("{username}")
    public UserView show(@RestPath String username) {
        if (!ManagementPolicy.mayViewUser(caller.subject(), username)) {
            throw Refusal.notFound("no user '" + username + "'");
        }
        return UserView.of(users.find(username));
    }

    @POST
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewUser body) {
        if (body == null || body.username() == null) {
            throw Refusal.invalid("username is required (and a password, unless it is a bot)");
        }
        boolean bot = Boolean.TRUE.equals(body.bot());
        if (!bot && body.password() == null) {
            throw Refusal.invalid("password is required for a user who is not a bot");
        }
        requireUnrestricted();
        User user = users.create(caller.subject().name(), body.username(), body.password(), body.email(),
                body.displayName(), Boolean.TRUE.equals(body.admin()), bot);
        return Response.created(URI.create("/api/v1/users/" + user.username)).entity(UserView.of(user)).build();
    }

    @PATCH
    @Path("{username}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public UserView update(@RestPath String username, JsonNode body) {
        Subject subject = caller.subject();
        if (!ManagementPolicy.mayViewUser(subject, username)) {
            throw Refusal.notFound("no user '" + username + "'");
        }
        if (!ManagementPolicy.mayManageUser(subject, username)) {
            throw Refusal.forbidden("this token may not change accounts");
        }
        return UserView.of(users.update(subject, username, new MergePatch(body, Users.PATCHABLE)));
    }

    @DELETE
    @Path("{username}")
    @RolesAllowed("admin")
    public Response delete(@RestPath String username) {
        requireUnrestricted();
        users.delete(caller.subject().name(), username);
        return Response.noContent().build();
    }

    private void requireUnrestricted() {
        if (!ManagementPolicy.mayManageUser(caller.subject(), caller.subject().name())) {
            throw Refusal.forbidden("this token may not change accounts");
        }
    }
}
