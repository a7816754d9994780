package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.Team;
import dev.portcullis.access.TeamMember;
import dev.portcullis.access.Teams;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Role;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Teams: the list, creation, and one team with its members and namespaces. */
@Path("/teams")
@Produces(MediaType.TEXT_HTML)
public class TeamPages {

    static final int PAGE_SIZE = 50;

    public record Row(String name, String description, String role) {
    }

    public record Member(String username, String role) {
    }

    public record NamespaceRow(String name, String visibility) {
    }

    /**
     * @param manage      whether the viewer may change members (asks {@link ManagementPolicy}, as the API does)
     * @param moreMembers the link to the next page of members, or null on the last
     */
    public record Detail(String name, String description, String role, boolean manage, List<Member> members,
            String moreMembers, List<NamespaceRow> namespaces, List<String> otherTeams) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Chrome page, List<Row> teams, String next, boolean mayCreate);

        static native TemplateInstance show(Chrome page, Detail team, List<String> roles);

        static native TemplateInstance delete(Chrome page, Detail team);

        static native TemplateInstance candidates(List<String> names);
    }

    @Inject
    WebRequest web;

    @Inject
    Teams teams;

    @Inject
    AccessService access;

    @GET
    @Transactional
    public TemplateInstance list(@RestQuery String cursor) {
        Subject subject = web.subject();
        Pagination.Page<Team> page = teams.list(subject, Pagination.decode(cursor), PAGE_SIZE);
        List<Row> rows = page.items().stream().map(t -> new Row(t.name, t.description, role(t, subject))).toList();
        return Templates.list(web.chrome("teams", "Teams"), rows,
                page.next() == null ? null : Links.of("/teams", "cursor", page.next()),
                ManagementPolicy.mayCreateTeam(subject, access.settings()));
    }

    @POST
    public Response create(@RestForm String name, @RestForm String description) {
        Team team = teams.create(web.subject(), Links.blankToNull(name), Links.blankToNull(description));
        return web.redirect("/teams/" + team.name, "Team " + team.name + " created; you are its owner.");
    }

    @GET
    @Path("{name}")
    @Transactional
    public TemplateInstance show(@RestPath String name, @RestQuery String cursor) {
        return Templates.show(web.chrome("teams", "Team " + name), detail(web.subject(), name, cursor), roles());
    }

    @POST
    @Path("{name}/members")
    public Response addMember(@RestPath String name, @RestForm String username, @RestForm String role) {
        String user = Links.blankToNull(username);
        teams.addMember(web.subject(), name, user, role(role));
        return web.redirect("/teams/" + name, user + " added as " + role + ".");
    }

    /**
     * Suggestions for the add-member field: the {@code <option>}s of its datalist, which htmx fills as an owner
     * types (GET with the field's value). Who may ask and what it tells: {@link Teams#candidates}.
     */
    @GET
    @Path("{name}/candidates")
    public TemplateInstance candidates(@RestPath String name, @RestQuery String username) {
        return Templates.candidates(teams.candidates(web.subject(), name, username));
    }

    @POST
    @Path("{name}/members/{username}/role")
    public Response changeRole(@RestPath String name, @RestPath String username, @RestForm String role) {
        teams.changeRole(web.subject(), name, username, role(role));
        return web.redirect("/teams/" + name, username + " is now " + role + ".");
    }

    @POST
    @Path("{name}/members/{username}/remove")
    public Response removeMember(@RestPath String name, @RestPath String username) {
        Subject subject = web.subject();
        teams.removeMember(subject, name, username);
        boolean left = subject.name().equals(username);
        return web.redirect(left ? "/teams" : "/teams/" + name,
                left ? "You left team " + name + "." : username + " removed from the team.");
    }

    @GET
    @Path("{name}/delete")
    @Transactional
    public TemplateInstance confirmDelete(@RestPath String name) {
        return Templates.delete(web.chrome("teams", "Delete team " + name), detail(web.subject(), name, null));
    }

    @POST
    @Path("{name}/delete")
    public Response delete(@RestPath String name, @RestForm String namespacesTo) {
        teams.delete(web.subject(), name, Links.blankToNull(namespacesTo));
        return web.redirect("/teams", "Team " + name + " deleted.");
    }

    private Detail detail(Subject subject, String name, String cursor) {
        Team team = teams.visible(subject, name);
        String role = role(team, subject);
        Pagination.Page<TeamMember> page = teams.members(subject, name, Pagination.decode(cursor), PAGE_SIZE);
        List<Member> members = page.items().stream()
                .map(m -> new Member(m.user.username, m.role.name().toLowerCase())).toList();
        List<NamespaceRow> namespaces = teams.namespaces(subject, name).stream()
                .map((Namespace n) -> new NamespaceRow(n.name, n.visibility.name().toLowerCase())).toList();
        boolean manage = ManagementPolicy.mayManageTeam(subject, TeamMember.roleOf(team, subject.name()));
        List<String> others = !manage ? List.of() : teams.list(subject, "", Pagination.MAX_LIMIT).items().stream()
                .map(t -> t.name).filter(n -> !n.equals(name)).toList();
        return new Detail(team.name, team.description, role, manage, members,
                page.next() == null ? null : Links.of("/teams/" + name, "cursor", page.next()), namespaces, others);
    }

    private static String role(Team team, Subject subject) {
        Role role = TeamMember.roleOf(team, subject.name());
        return role == null ? null : role.name().toLowerCase();
    }

    static List<String> roles() {
        return Arrays.stream(Role.values()).map(r -> r.name().toLowerCase()).toList();
    }

    static Role role(String text) {
        for (Role role : Role.values()) {
            if (role.name().equalsIgnoreCase(text)) {
                return role;
            }
        }
        throw Refusal.invalid("role must be one of owner, contributor, viewer");
    }
}
