package dev.portcullis.access.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.access.Team;
import dev.portcullis.access.TeamMember;
import dev.portcullis.access.Teams;
import dev.portcullis.access.api.ApiViews.MemberView;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.api.ApiViews.TeamView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Role;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.security.Authenticated;
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
import java.util.Set;
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

/** Teams and their members. */
@Path("/api/v1/teams")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "teams", description = "Teams and their members: members see a team, owners change it; a new team"
        + " gets a private namespace of its name")
public class TeamsResource {

    @Schema(requiredProperties = "name")
    public record NewTeam(String name, String description) {
    }

    @Schema(requiredProperties = {"username", "role"})
    public record NewMember(String username, @Schema(enumeration = {"owner", "contributor", "viewer"}) String role) {
    }

    /** What {@code PATCH /api/v1/teams/{team}} may change. */
    @Schema(description = "A JSON merge patch (RFC 7396): a member present changes it, null clears it")
    public record TeamPatch(String description) {
    }

    /** What {@code PATCH /api/v1/teams/{team}/members/{username}} may change. */
    @Schema(description = "A JSON merge patch (RFC 7396) of a membership", requiredProperties = "role")
    public record MemberPatch(@Schema(enumeration = {"owner", "contributor", "viewer"}) String role) {
    }

    @Inject
    Teams teams;

    @Inject
    CurrentCaller caller;

    @GET
    @Operation(operationId = "listTeams", summary = "The caller's teams (admins: every team), by name")
    @APIResponse(responseCode = "200", description = "A page of teams; none for a token limited to namespaces")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    public PageView<TeamView> list(@RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        Pagination.Page<Team> page = teams.list(caller.subject(), Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(TeamView::of).toList(), page.next());
    }

    @GET
    @Path("{team}")
    @Operation(operationId = "getTeam", summary = "A team the caller is a member of (admins: any)")
    @APIResponse(responseCode = "200", description = "The team")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public TeamView show(@RestPath String team) {
        return TeamView.of(teams.visible(caller.subject(), team));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createTeam", summary = "Create a team, with the caller as its owner")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewTeam.class), examples = @ExampleObject(name = "team",
                    value = "{\"name\": \"team-a\", \"description\": \"The A team\"}")))
    @APIResponseSchema(value = TeamView.class, responseCode = "201", responseDescription = "Created; Location names it")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response create(NewTeam body) {
        if (body == null || body.name() == null) {
            throw Refusal.invalid("name is required");
        }
        Team team = teams.create(caller.subject(), body.name(), body.description());
        return Response.created(URI.create("/api/v1/teams/" + team.name)).entity(TeamView.of(team)).build();
    }

    @PATCH
    @Path("{team}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(operationId = "updateTeam", summary = "Change a team (owners)")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = TeamPatch.class),
                examples = @ExampleObject(name = "describe", value = "{\"description\": \"Builds and ships\"}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeamPatch.class))})
    @APIResponse(responseCode = "200", description = "The team as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public TeamView update(@RestPath String team, JsonNode body) {
        return TeamView.of(teams.update(caller.subject(), team, new MergePatch(body, Teams.PATCHABLE)));
    }

    /** {@code namespacesTo}: the team that takes over this team's namespaces. */
    @DELETE
    @Path("{team}")
    @Operation(operationId = "deleteTeam", summary = "Delete a team (owners); one that owns namespaces needs"
            + " namespacesTo")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response delete(@RestPath String team, @RestQuery @Parameter(description = "another team the caller"
            + " owns, which takes over this team's namespaces") String namespacesTo) {
        teams.delete(caller.subject(), team, namespacesTo);
        return Response.noContent().build();
    }

    @GET
    @Path("{team}/members")
    @Operation(operationId = "listTeamMembers", summary = "A team's members and their roles, by name")
    @APIResponse(responseCode = "200", description = "A page of members")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public PageView<MemberView> members(@RestPath String team,
            @RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        Pagination.Page<TeamMember> page = teams.members(caller.subject(), team, Pagination.decode(cursor),
                Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(MemberView::of).toList(), page.next());
    }

    @POST
    @Path("{team}/members")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "addTeamMember", summary = "Add an account to a team (owners)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewMember.class), examples = @ExampleObject(name = "contributor",
                    value = "{\"username\": \"alice\", \"role\": \"contributor\"}")))
    @APIResponseSchema(value = MemberView.class, responseCode = "201", responseDescription = "Added")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response addMember(@RestPath String team, NewMember body) {
        if (body == null || body.username() == null) {
            throw Refusal.invalid("username and role are required");
        }
        TeamMember member = teams.addMember(caller.subject(), team, body.username(), role(body.role()));
        return Response.created(URI.create("/api/v1/teams/" + team + "/members/" + member.user.username))
                .entity(MemberView.of(member)).build();
    }

    @PATCH
    @Path("{team}/members/{username}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(operationId = "changeTeamMemberRole", summary = "Change a member's role (owners)")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = MemberPatch.class),
                examples = @ExampleObject(name = "promote", value = "{\"role\": \"owner\"}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MemberPatch.class))})
    @APIResponse(responseCode = "200", description = "The membership as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public MemberView changeRole(@RestPath String team, @RestPath String username, JsonNode body) {
        MergePatch patch = new MergePatch(body, Set.of("role"));
        return MemberView.of(teams.changeRole(caller.subject(), team, username, role(patch.text("role"))));
    }

    @DELETE
    @Path("{team}/members/{username}")
    @Operation(operationId = "removeTeamMember", summary = "Remove a member (owners), or leave a team")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public Response removeMember(@RestPath String team, @RestPath String username) {
        teams.removeMember(caller.subject(), team, username);
        return Response.noContent().build();
    }

    static Role role(String text) {
        if (text != null) {
            for (Role role : Role.values()) {
                if (role.name().equalsIgnoreCase(text)) {
                    return role;
                }
            }
        }
        throw Refusal.invalid("role must be one of owner, contributor, viewer");
    }
}
