package dev.portcullis.access.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.User;
import dev.portcullis.access.Users;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.api.ApiViews.UserView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.ApiDocument;
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

/** User administration: admins manage everyone; a user sees and changes only themselves. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "users", description = "Accounts: people and bots. Admins manage everyone; a user reads and changes"
        + " only themselves (not the admin and enabled flags)")
public class UsersResource {

    /** The body of {@code POST /api/v1/users}; bots have no password. */
    @Schema(requiredProperties = "username")
    public record NewUser(String username,
            @Schema(description = "8 characters to 72 bytes; required unless bot") String password,
            String email, String displayName, Boolean admin,
            @Schema(description = "a robot account: no password, it signs in with application tokens") Boolean bot) {
    }

    /** What {@code PATCH /api/v1/users/{username}} may change (a merge patch: absent members stay as they are). */
    @Schema(description = "A JSON merge patch (RFC 7396): a member present changes it, null clears it, an absent"
            + " member stays as it is; admin and enabled are for admins")
    public record UserPatch(String email, String displayName, String password, Boolean admin, Boolean enabled) {
    }

    @Inject
    Users users;

    @Inject
    CurrentCaller caller;

    @GET
    @RolesAllowed("admin")
    @Operation(operationId = "listUsers", summary = "Every account, by name (admins)")
    @APIResponse(responseCode = "200", description = "A page of accounts")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    public PageView<UserView> list(@RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        Pagination.Page<User> page = users.list(Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(UserView::of).toList(), page.next());
    }

    @GET
    @Path("{username}")
    @Operation(operationId = "getUser", summary = "An account: admins see anyone, users themselves")
    @APIResponse(responseCode = "200", description = "The account")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public UserView show(@RestPath String username) {
        if (!ManagementPolicy.mayViewUser(caller.subject(), username)) {
            throw Refusal.notFound("no user '" + username + "'");
        }
        return UserView.of(users.find(username));
    }

    @POST
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createUser", summary = "Create an account (admins)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewUser.class), examples = {
                @ExampleObject(name = "person", value = "{\"username\": \"alice\", \"password\": \"correct horse battery\","
                        + " \"email\": \"alice@example.com\", \"displayName\": \"Alice\"}"),
                @ExampleObject(name = "bot", value = "{\"username\": \"ci\", \"bot\": true}")}))
    @APIResponseSchema(value = UserView.class, responseCode = "201", responseDescription = "Created; Location names it")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
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
    @Operation(operationId = "updateUser", summary = "Change an account")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = UserPatch.class),
                examples = @ExampleObject(name = "disable", value = "{\"enabled\": false}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserPatch.class))})
    @APIResponse(responseCode = "200", description = "The account as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
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
    @Operation(operationId = "deleteUser", summary = "Delete an account (admins); its personal namespace stays")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
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
