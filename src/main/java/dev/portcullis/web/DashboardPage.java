package dev.portcullis.web;

import dev.portcullis.access.Namespaces;
import dev.portcullis.access.Teams;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import dev.portcullis.events.ActivitiesResource;
import dev.portcullis.events.Activity;
import dev.portcullis.events.ActivityFeed;
import dev.portcullis.events.ActivityQuery;
import dev.portcullis.registry.RegistryStatus;
import dev.portcullis.registry.Repositories;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestQuery;

/** The dashboard: what happened that the user may see, their counts, and for admins the registry's health. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class DashboardPage {

    static final int FEED_SIZE = 25;
    static final int COUNT_UP_TO = 200;
    /** The actions a filter offers, as the feed stores them. */
    static final List<String> ACTIONS = List.of("push", "pull", "delete", "repository.update", "namespace.create",
            "namespace.update", "namespace.delete", "team.create", "member.add", "member.update", "member.remove",
            "user.create", "user.update", "user.delete", "token.create", "token.revoke");
    private static final Map<String, String> VERBS = Map.ofEntries(Map.entry("push", "pushed"),
            Map.entry("pull", "pulled"), Map.entry("delete", "deleted"),
            Map.entry("repository.update", "edited the description of"), Map.entry("user.create", "created user"),
            Map.entry("bot.create", "created bot"), Map.entry("user.update", "changed user"),
            Map.entry("user.delete", "deleted user"), Map.entry("team.create", "created team"),
            Map.entry("team.update", "changed team"), Map.entry("team.delete", "deleted team"),
            Map.entry("namespace.create", "created namespace"), Map.entry("namespace.update", "changed namespace"),
            Map.entry("namespace.move", "moved namespace"), Map.entry("namespace.delete", "deleted namespace"),
            Map.entry("token.create", "created a token for"), Map.entry("token.revoke", "revoked a token of"));

    /** The feed's filters, as they travel in links. */
    public record Filters(String repository, String namespace, String action, String actor) {

        String[] params() {
            return new String[] {"repository", repository, "namespace", namespace, "action", action, "actor", actor};
        }

        public boolean any() {
            return repository != null || namespace != null || action != null || actor != null;
        }

        public String link(String path) {
            return Links.of(path, params());
        }
    }

    /**
     * One line of the feed: who did what to which object.
     *
     * @param link the object's page, or null when it has none
     */
    public record Line(Activity activity, String verb, String object, String link) {
    }

    /** @param next the link to older entries, or null on the last page */
    public record Feed(List<Line> lines, Filters filters, String next, String refresh, String csv, boolean first) {
    }

    /** Counts up to {@value #COUNT_UP_TO}; {@code more} says there are more. */
    public record Count(int value, boolean more) {
    }

    public record Counts(Count teams, Count namespaces, Count repositories) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(Chrome page, Counts counts, Feed feed, RegistryHealth registry,
                List<String> actions);

        static native TemplateInstance dashboard$feed(Feed feed);
    }

    @Inject
    WebRequest web;

    @Inject
    ActivityFeed activities;

    @Inject
    ActivitiesResource activitiesApi;

    @Inject
    Teams teams;

    @Inject
    Namespaces namespaces;

    @Inject
    Repositories repositories;

    @Inject
    RegistryStatus registry;

    @GET
    public TemplateInstance dashboard(@RestQuery String repository, @RestQuery String namespace,
            @RestQuery String action, @RestQuery String actor, @RestQuery String after) throws SQLException {
        Subject subject = web.subject();
        Feed feed = feed(subject, filters(repository, namespace, action, actor), after);
        Counts counts = new Counts(
                count(teams.list(subject, "", COUNT_UP_TO).items().size()),
                count((int) namespaces.list(subject, "", COUNT_UP_TO).items().stream()
                        .filter(seen -> seen.facts().role() != null).count()),
                count(repositories.list(subject, null, null, Repositories.Sort.NAME, null, COUNT_UP_TO)
                        .items().size()));
        return Templates.dashboard(web.chrome("dashboard", "Dashboard"), counts, feed,
                subject.admin() ? RegistryHealth.of(registry.now()) : null, ACTIONS);
    }

    /** The feed alone, for the page's periodic refresh. */
    @GET
    @Path("activity")
    public TemplateInstance feed(@RestQuery String repository, @RestQuery String namespace, @RestQuery String action,
            @RestQuery String actor, @RestQuery String after) throws SQLException {
        return Templates.dashboard$feed(feed(web.subject(), filters(repository, namespace, action, actor), after));
    }

    /** The same entries as CSV, through the API's own export (RFC 4180, formula-safe, paged by Link). */
    @GET
    @Path("activity.csv")
    @Produces("text/csv")
    public Response csv(@RestQuery String repository, @RestQuery String namespace, @RestQuery String action,
            @RestQuery String actor) throws SQLException {
        web.subject();
        Filters f = filters(repository, namespace, action, actor);
        return activitiesApi.export(f.repository(), f.namespace(), f.action(), null, f.actor(), null, null, null, null);
    }

    private Feed feed(Subject subject, Filters filters, String after) throws SQLException {
        ActivityFeed.Page page = activities.page(new ActivityQuery(filters.repository(), filters.namespace(),
                filters.action(), null, filters.actor(), null, null, FEED_SIZE, cursor(after)), subject);
        List<Line> lines = page.items().stream().map(DashboardPage::line).toList();
        String next = page.next() == null ? null : Links.of("/", append(filters.params(), "after",
                page.next().epochMicros() + "." + page.next().id()));
        return new Feed(lines, filters, next, filters.link("/activity"), filters.link("/activity.csv"),
                after == null || after.isEmpty());
    }

    static Line line(Activity a) {
        String verb = VERBS.getOrDefault(a.action(), a.action());
        if (a.action().startsWith("member.")) {
            verb = switch (a.action()) {
                case "member.add" -> "added " + a.targetUser() + " to team";
                case "member.update" -> "changed the role of " + a.targetUser() + " in team";
                default -> "removed " + a.targetUser() + " from team";
            };
            return new Line(a, verb, a.team(), "/teams/" + a.team());
        }
        if (a.repository() != null) {
            return new Line(a, verb, a.tag() == null ? a.repository() : a.repository() + ":" + a.tag(),
                    "/repositories/" + a.repository());
        }
        if (a.namespace() != null && a.action().startsWith("namespace.")) {
            return new Line(a, verb, a.namespace(),
                    a.action().equals("namespace.delete") ? null : "/namespaces/" + a.namespace());
        }
        if (a.team() != null && a.action().startsWith("team.")) {
            return new Line(a, verb, a.team(), a.action().equals("team.delete") ? null : "/teams/" + a.team());
        }
        return new Line(a, verb, a.targetUser(), null);
    }

    static Filters filters(String repository, String namespace, String action, String actor) {
        return new Filters(Links.blankToNull(repository), Links.blankToNull(namespace), Links.blankToNull(action),
                Links.blankToNull(actor));
    }

    /** The position after which the next page starts: "epochMicros.id" of the last entry shown. */
    static ActivityQuery.Cursor cursor(String after) {
        if (after == null || after.isEmpty()) {
            return null;
        }
        try {
            int dot = after.indexOf('.');
            return new ActivityQuery.Cursor(Long.parseLong(after.substring(0, dot)),
                    Long.parseLong(after.substring(dot + 1)));
        } catch (RuntimeException e) {
            throw Refusal.malformed("that page of the feed does not exist");
        }
    }

    private static Count count(int value) {
        return new Count(Math.min(value, COUNT_UP_TO), value >= COUNT_UP_TO);
    }

    private static String[] append(String[] params, String name, String value) {
        String[] all = Arrays.copyOf(params, params.length + 2);
        all[params.length] = name;
        all[params.length + 1] = value;
        return all;
    }
}
