package dev.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.access.AccessService;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.Namespaces;
import dev.portcullis.access.Team;
import dev.portcullis.access.TeamMember;
import dev.portcullis.access.Teams;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.registry.Repositories;
import dev.portcullis.registry.RepositoryViews.RepositoryView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Namespaces: the list, creation, and one namespace with its repositories and its owners' controls. */
@Path("/namespaces")
@Produces(MediaType.TEXT_HTML)
public class NamespacePages {

    static final int PAGE_SIZE = 50;
    static final int REPOSITORIES_PAGE = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A namespace in a list: its name, kind, owner (team or user), visibility, and the viewer's role there. */
    public record Row(String name, String kind, String owner, String visibility, String role, String description) {

        static Row of(Namespaces.Seen seen) {
            Namespace n = seen.namespace();
            return new Row(n.name, n.kind.name().toLowerCase(), n.team != null ? n.team.name
                    : n.owner != null ? n.owner.username : null, n.visibility.name().toLowerCase(),
                    seen.facts().role() == null ? null : seen.facts().role().name().toLowerCase(), n.description);
        }
    }

    /** What the viewer may change here: each flag asks {@link ManagementPolicy}, as the API does. */
    public record Controls(boolean edit, boolean visibility, boolean move, boolean delete, List<String> moveTo) {

        public boolean any() {
            return edit || visibility || move || delete;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Chrome page, List<Row> namespaces, String next, List<String> creatableIn,
                List<String> visibilities);

        static native TemplateInstance show(Chrome page, Row namespace, RawString description, Controls controls,
                List<RepositoryView> repositories, String next, List<String> visibilities);

        static native TemplateInstance delete(Chrome page, Row namespace, List<RepositoryView> repositories,
                boolean more);
    }

    @Inject
    WebRequest web;

    @Inject
    Namespaces namespaces;

    @Inject
    Teams teams;

    @Inject
    Repositories repositories;

    @Inject
    AccessService access;

    @Inject
    Markdown markdown;

    @GET
    @Transactional
    public TemplateInstance list(@RestQuery String cursor) {
        Subject subject = web.subject();
        Pagination.Page<Namespaces.Seen> page = namespaces.list(subject, Pagination.decode(cursor), PAGE_SIZE);
        List<String> creatableIn = ownTeams(subject).stream()
                .filter(t -> ManagementPolicy.mayCreateNamespace(subject, TeamMember.roleOf(t, subject.name()),
                        access.settings()))
                .map(t -> t.name).toList();
        return Templates.list(web.chrome("namespaces", "Namespaces"), page.items().stream().map(Row::of).toList(),
                page.next() == null ? null : Links.of("/namespaces", "cursor", page.next()), creatableIn,
                visibilities());
    }

    @POST
    public Response create(@RestForm String name, @RestForm String team, @RestForm String visibility,
            @RestForm String description) {
        Namespace ns = namespaces.create(web.subject(), Links.blankToNull(name), Links.blankToNull(team),
                visibility == null ? null : Namespaces.parseVisibility(visibility), Links.blankToNull(description));
        return web.redirect("/namespaces/" + ns.name, "Namespace " + ns.name + " created.");
    }

    @GET
    @Path("{name}")
    @Transactional
    public TemplateInstance show(@RestPath String name, @RestQuery String cursor) throws SQLException {
        Subject subject = web.subject();
        Namespaces.Seen seen = namespaces.visible(subject, name);
        NamespaceFacts facts = seen.facts();
        boolean edit = ManagementPolicy.mayEditNamespace(subject, facts);
        boolean team = facts.kind() == NamespaceFacts.Kind.TEAM;
        List<String> moveTo = !team || !edit ? List.of() : ownTeams(subject).stream()
                .filter(t -> !t.name.equals(facts.team()))
                .filter(t -> ManagementPolicy.mayMoveNamespace(subject, facts, TeamMember.roleOf(t, subject.name())))
                .map(t -> t.name).toList();
        Controls controls = new Controls(edit, ManagementPolicy.mayChangeVisibility(subject, facts, access.settings()),
                !moveTo.isEmpty(), team && edit, moveTo);
        Pagination.Page<RepositoryView> repos = repositories.list(subject, name, null, Repositories.Sort.NAME, cursor,
                REPOSITORIES_PAGE);
        Row row = Row.of(seen);
        return Templates.show(web.chrome("namespaces", "Namespace " + name), row, markdown.render(row.description()),
                controls, repos.items(),
                repos.next() == null ? null : Links.of("/namespaces/" + name, "cursor", repos.next()), visibilities());
    }

    @POST
    @Path("{name}/visibility")
    public Response visibility(@RestPath String name, @RestForm String visibility) {
        namespaces.update(web.subject(), name, patch("visibility", visibility));
        return web.redirect("/namespaces/" + name, "Namespace " + name + " is now " + visibility + ".");
    }

    @POST
    @Path("{name}/team")
    public Response move(@RestPath String name, @RestForm String team) {
        namespaces.update(web.subject(), name, patch("team", team));
        return web.redirect("/namespaces/" + name, "Namespace " + name + " now belongs to team " + team + ".");
    }

    @POST
    @Path("{name}/description")
    public Response describe(@RestPath String name, @RestForm String description) {
        namespaces.update(web.subject(), name, patch("description", Links.blankToNull(description)));
        return web.redirect("/namespaces/" + name, "Description saved.");
    }

    /** The confirmation: says what goes (the namespace and the access to its repositories) before it goes. */
    @GET
    @Path("{name}/delete")
    @Transactional
    public TemplateInstance confirmDelete(@RestPath String name) throws SQLException {
        Subject subject = web.subject();
        Namespaces.Seen seen = namespaces.visible(subject, name);
        Pagination.Page<RepositoryView> repos = repositories.list(subject, name, null, Repositories.Sort.NAME, null,
                Pagination.MAX_LIMIT);
        return Templates.delete(web.chrome("namespaces", "Delete namespace " + name), Row.of(seen), repos.items(),
                repos.next() != null);
    }

    @POST
    @Path("{name}/delete")
    public Response delete(@RestPath String name) {
        namespaces.delete(web.subject(), name);
        return web.redirect("/namespaces", "Namespace " + name + " deleted.");
    }

    /** The teams the subject belongs to (every team, for admins). */
    private List<Team> ownTeams(Subject subject) {
        return teams.list(subject, "", Pagination.MAX_LIMIT).items();
    }

    static List<String> visibilities() {
        return Arrays.stream(Visibility.values()).map(v -> v.name().toLowerCase()).toList();
    }

    /** The services take changes as a JSON merge patch, like the API. */
    static MergePatch patch(String field, String value) {
        ObjectNode body = JSON.createObjectNode();
        body.put(field, value);
        return new MergePatch(body, Set.of(field));
    }
}
