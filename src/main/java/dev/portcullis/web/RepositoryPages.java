package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.Descriptions;
import dev.portcullis.registry.ImageDeletes;
import dev.portcullis.registry.Repositories;
import dev.portcullis.registry.RepositoryViews.DeletedView;
import dev.portcullis.registry.RepositoryViews.RepositoryDetailView;
import dev.portcullis.registry.RepositoryViews.TagView;
import dev.portcullis.registry.Stars;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * One repository: its description, its tags grouped by the image (digest) they name, pull commands, stars, and
 * deletes for those the delete rule allows. Addressed like the API, by the full name with its slashes; the
 * actions follow {@code /-/}, which no repository name can contain.
 */
@Path("/repositories")
@Produces(MediaType.TEXT_HTML)
public class RepositoryPages {

    /**
     * The tags that name one image, newest push first.
     *
     * @param pushedAt the latest push of any of its tags
     */
    public record Image(String digest, String mediaType, Long size, List<String> platforms, Instant created,
            String pushedBy, Instant pushedAt, Instant lastPulledAt, boolean detailsPending, List<TagView> tags) {

        public boolean shared() {
            return tags.size() > 1;
        }
    }

    /** What the viewer may do here: deletes by the delete rule, the description by {@link ManagementPolicy}. */
    public record Controls(boolean delete, boolean describe, boolean star) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance show(Chrome page, RepositoryDetailView repository, RawString description,
                List<Image> images, Controls controls, String registry);

        static native TemplateInstance deleteTag(Chrome page, String repository, String tag, Image image);

        static native TemplateInstance delete(Chrome page, RepositoryDetailView repository, List<Image> images);
    }

    @Inject
    WebRequest web;

    @Inject
    Repositories repositories;

    @Inject
    ImageDeletes deletes;

    @Inject
    Descriptions descriptions;

    @Inject
    Stars stars;

    @Inject
    AccessService access;

    @Inject
    Markdown markdown;

    @Inject
    PortcullisConfig config;

    @GET
    @Path("{name: .+}")
    public TemplateInstance show(@RestPath String name) throws SQLException {
        Subject viewer = web.viewer();
        RepositoryDetailView repository = repositories.show(viewer, name);
        Controls controls = new Controls(allowed(viewer, name, "delete"),
                !viewer.anonymous() && ManagementPolicy.mayDescribeRepository(viewer,
                        access.facts(viewer, RepositoryName.namespaceName(name))),
                !viewer.anonymous());
        return Templates.show(web.chrome("explore", name), repository, markdown.render(repository.description()),
                images(repository.tags()), controls, config.registry().service());
    }

    @POST
    @Path("{name: .+}/-/star")
    public Response star(@RestPath String name, @RestForm boolean starred) throws SQLException {
        stars.star(web.subject(), name, starred);
        return web.redirect("/repositories/" + name, starred ? "Starred." : "Star removed.");
    }

    @POST
    @Path("{name: .+}/-/description")
    public Response describe(@RestPath String name, @RestForm String description) throws SQLException {
        descriptions.describe(web.subject(), name, Links.blankToNull(description));
        return web.redirect("/repositories/" + name, "Description saved.");
    }

    /** Names what goes before it goes: the image, and every other tag that names it too. */
    @GET
    @Path("{name: .+}/-/delete-tag")
    public TemplateInstance confirmDeleteTag(@RestPath String name, @RestQuery String tag) throws SQLException {
        Subject subject = web.subject();
        RepositoryDetailView repository = repositories.show(subject, name);
        Image image = images(repository.tags()).stream()
                .filter(i -> i.tags().stream().anyMatch(t -> t.name().equals(tag))).findFirst()
                .orElseThrow(() -> Refusal.notFound("no tag '" + tag + "' in '" + name + "'"));
        return Templates.deleteTag(web.chrome("explore", "Delete " + name + ":" + tag), name, tag, image);
    }

    @POST
    @Path("{name: .+}/-/delete-tag")
    public Response deleteTag(@RestPath String name, @RestForm String tag, @RestForm boolean force)
            throws SQLException {
        DeletedView deleted = deletes.deleteTag(web.subject(), name, tag, force);
        return web.redirect("/repositories/" + name, "Deleted image " + Formats.shortDigest(deleted.digest())
                + " (" + String.join(", ", deleted.tags()) + ").");
    }

    @GET
    @Path("{name: .+}/-/delete")
    public TemplateInstance confirmDelete(@RestPath String name) throws SQLException {
        RepositoryDetailView repository = repositories.show(web.subject(), name);
        return Templates.delete(web.chrome("explore", "Delete " + name), repository, images(repository.tags()));
    }

    @POST
    @Path("{name: .+}/-/delete")
    public Response delete(@RestPath String name) throws SQLException {
        List<DeletedView> deleted = deletes.deleteRepository(web.subject(), name);
        return web.redirect("/repositories/" + name, "Deleted " + deleted.size()
                + (deleted.size() == 1 ? " image" : " images") + " of " + name + ".");
    }

    private boolean allowed(Subject subject, String name, String action) {
        return !subject.anonymous() && access.decide(subject, List.of(new Scope(Scope.REPOSITORY, name, Set.of(action))))
                .get(0).granted().actions().contains(action);
    }

    /** Tags grouped by digest, the most recently pushed image first. */
    static List<Image> images(List<TagView> tags) {
        Map<String, List<TagView>> byDigest = new LinkedHashMap<>();
        for (TagView tag : tags) {
            byDigest.computeIfAbsent(tag.digest(), d -> new ArrayList<>()).add(tag);
        }
        List<Image> images = new ArrayList<>();
        byDigest.forEach((digest, group) -> {
            TagView first = group.get(0);
            Instant pushed = group.stream().map(TagView::pushedAt).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            Instant pulled = group.stream().map(TagView::lastPulledAt).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            images.add(new Image(digest, first.mediaType(), first.size(), first.platforms(), first.created(),
                    first.pushedBy(), pushed, pulled, first.detailsPending(), List.copyOf(group)));
        });
        images.sort(Comparator.comparing(Image::pushedAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return images;
    }
}
