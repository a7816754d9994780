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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Teams and their members. */
@Path("/api/v1/teams")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class TeamsResource {

    public record NewTeam(String name, String description) {
    }

    public record NewMember(String username, String role) {
    }

    @Inject
    Teams teams;

    @Inject
    CurrentCaller caller;

    @GET
    public PageView<TeamView> list(@RestQuery Integer limit, @RestQuery String cursor) {
        Pagination.Page<Team> page = teams.list(caller.subject(), Pagination.decode(cursor), Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(TeamView::of).toList(), page.next());
    }

    @GET
    @Path("{team}")
    public TeamView show(@RestPath String team) {
        return TeamView.of(teams.visible(caller.subject(), team));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
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
    public TeamView update(@RestPath String team, JsonNode body) {
        return TeamView.of(teams.update(caller.subject(), team, new MergePatch(body, Teams.PATCHABLE)));
    }

    /** {@code namespacesTo}: the team that takes over this team's namespaces. */
    @DELETE
    @Path("{team}")
    public Response delete(@RestPath String team, @RestQuery String namespacesTo) {
        teams.delete(caller.subject(), team, namespacesTo);
        return Response.noContent().build();
    }

    @GET
    @Path("{team}/members")
    public PageView<MemberView> members(@RestPath String team, @RestQuery Integer limit, @RestQuery String cursor) {
        Pagination.Page<TeamMember> page = teams.members(caller.subject(), team, Pagination.decode(cursor),
                Pagination.limit(limit));
        return new PageView<>(page.items().stream().map(MemberView::of).toList(), page.next());
    }

    @POST
    @Path("{team}/members")
    @Consumes(MediaType.APPLICATION_JSON)
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
    public MemberView changeRole(@RestPath String team, @RestPath String username, JsonNode body) {
        MergePatch patch = new MergePatch(body, Set.of("role"));
        return MemberView.of(teams.changeRole(caller.subject(), team, username, role(patch.text("role"))));
    }

    @DELETE
    @Path("{team}/members/{username}")
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
