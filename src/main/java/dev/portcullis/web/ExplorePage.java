package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Pagination;
import dev.portcullis.registry.Repositories;
import dev.portcullis.registry.RepositoryViews.RepositoryView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Explore: the repositories the visitor may pull, searchable. Anonymous visitors see the public ones, and only
 * while anonymous pulls are allowed; otherwise they are asked to sign in.
 */
@Path("/explore")
@Produces(MediaType.TEXT_HTML)
public class ExplorePage {

    static final int PAGE_SIZE = 30;

    /**
     * @param next      the link to the next page, or null on the last
     * @param firstPage the link back to the first page, or null when this is it
     */
    public record Listing(List<RepositoryView> items, String q, String sort, String next, String firstPage) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance explore(Chrome page, Listing listing, boolean anonymous);
    }

    @Inject
    WebRequest web;

    @Inject
    Repositories repositories;

    @Inject
    AccessService access;

    @GET
    public TemplateInstance explore(@RestQuery String q, @RestQuery String sort, @RestQuery String cursor)
            throws SQLException {
        Subject viewer = web.viewer();
        if (viewer.anonymous() && !access.settings().anonymousPull()) {
            throw new UnauthorizedException(); // nothing is public without signing in: to the sign-in page
        }
        String search = Links.blankToNull(q);
        if (search != null && search.length() > 255) {
            search = search.substring(0, 255);
        }
        Repositories.Sort order = "pushed".equals(sort) ? Repositories.Sort.PUSHED
                : "pulls".equals(sort) ? Repositories.Sort.PULLS : Repositories.Sort.NAME;
        String sortName = order.name().toLowerCase();
        Pagination.Page<RepositoryView> page = repositories.list(viewer, null, search, order, cursor, PAGE_SIZE);
        String next = page.next() == null ? null
                : Links.of("/explore", "q", search, "sort", sortName, "cursor", page.next());
        return Templates.explore(web.chrome("explore", "Explore"),
                new Listing(page.items(), search, sortName, next,
                        cursor == null || cursor.isEmpty() ? null : Links.of("/explore", "q", search, "sort", sortName)),
                viewer.anonymous());
    }
}
