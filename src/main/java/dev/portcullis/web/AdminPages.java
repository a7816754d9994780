package dev.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.access.User;
import dev.portcullis.access.Users;
import dev.portcullis.access.api.ApiViews.UserView;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.Reconciler;
import dev.portcullis.registry.RegistryStatus;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** For admins: users (people and bots), the settings in force, the registry's health, the activity export. */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
public class AdminPages {

    static final int PAGE_SIZE = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One setting in force and what it means (never a secret). */
    public record Setting(String name, String value, String meaning) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance admin(Chrome page, List<UserView> users, String next, List<Setting> settings,
                RegistryHealth registry);

        static native TemplateInstance deleteUser(Chrome page, UserView user);
    }

    @Inject
    WebRequest web;

    @Inject
    Users users;

    @Inject
    RegistryStatus registry;

    @Inject
    Reconciler reconciler;

    @Inject
    PortcullisConfig config;

    @GET
    public TemplateInstance admin(@RestQuery String cursor) throws SQLException {
        admin();
        Pagination.Page<User> page = users.list(Pagination.decode(cursor), PAGE_SIZE);
        return Templates.admin(web.chrome("admin", "Admin"), page.items().stream().map(UserView::of).toList(),
                page.next() == null ? null : Links.of("/admin", "cursor", page.next()), settings(),
                RegistryHealth.of(registry.now()));
    }

    @POST
    @Path("users")
    public Response create(@RestForm String username, @RestForm String password, @RestForm String email,
            @RestForm String displayName, @RestForm boolean admin, @RestForm boolean bot) {
        Subject subject = admin();
        User user = users.create(subject.name(), Links.blankToNull(username), bot ? null : password,
                Links.blankToNull(email), Links.blankToNull(displayName), admin, bot);
        return web.redirect("/admin", (bot ? "Bot " : "User ") + user.username + " created.");
    }

    @POST
    @Path("users/{username}/enabled")
    public Response enable(@RestPath String username, @RestForm boolean enabled) {
        users.update(admin(), username, patch("enabled", enabled));
        return web.redirect("/admin", username + (enabled ? " may sign in again." : " is disabled: it can no longer"
                + " sign in, and its sessions and tokens stop working."));
    }

    @POST
    @Path("users/{username}/admin")
    public Response makeAdmin(@RestPath String username, @RestForm boolean admin) {
        users.update(admin(), username, patch("admin", admin));
        return web.redirect("/admin", username + (admin ? " is now an admin." : " is no longer an admin."));
    }

    @GET
    @Path("users/{username}/delete")
    public TemplateInstance confirmDelete(@RestPath String username) {
        admin();
        return Templates.deleteUser(web.chrome("admin", "Delete " + username), UserView.of(users.find(username)));
    }

    @POST
    @Path("users/{username}/delete")
    public Response delete(@RestPath String username) {
        users.delete(admin().name(), username);
        return web.redirect("/admin", "User " + username + " deleted.");
    }

    /** Reconciles with the registry now, as the API does. */
    @POST
    @Path("reconcile")
    public Response reconcile() throws SQLException {
        admin();
        Reconciler.Result result = reconciler.now();
        return web.redirect("/admin", "Reconciled with the registry: " + result.added().size() + " added, "
                + result.changed().size() + " changed, " + result.removed().size() + " removed.");
    }

    /** Admins only, like the API's {@code @RolesAllowed("admin")}; an unrestricted session, as the API asks. */
    private Subject admin() {
        Subject subject = web.subject();
        if (!subject.admin() || !ManagementPolicy.mayManageUser(subject, subject.name())) {
            throw Refusal.forbidden("this page is for admins");
        }
        return subject;
    }

    private List<Setting> settings() {
        PolicySettings p = config.policySettings();
        return List.of(
                new Setting("Registry service", config.registry().service(), "the registry's auth.token.service"),
                new Setting("Registry URL", config.registry().url().map(String::valueOf).orElse("not set"),
                        "where Portcullis calls the registry"),
                new Setting("Token issuer", config.token().issuer(), "the registry's auth.token.issuer"),
                new Setting("Token lifetime", config.token().expiration().toString(), "of each registry token"),
                new Setting("Key id format", config.token().kidFormat().name().toLowerCase(),
                        "libtrust for distribution 2.x, rfc7638 for 3.x"),
                new Setting("Anonymous pull", p.anonymousPull() ? "on" : "off", "public namespaces without signing in"),
                new Setting("Push policy", p.pushPolicy().name().toLowerCase().replace('_', '-'), "who may push"),
                new Setting("Contributors delete", p.contributorsMayDelete() ? "yes" : "no",
                        "whether contributors, not only owners, delete images"),
                new Setting("Team creation", p.teamCreation().name().toLowerCase(), "who may create teams"),
                new Setting("Namespace creation", p.namespaceCreation().name().toLowerCase(),
                        "who may create namespaces"),
                new Setting("Visibility changes", p.visibilityChange().name().toLowerCase(),
                        "who may change a namespace's visibility"),
                new Setting("Reconciliation", "every " + config.registry().reconcileEvery(),
                        "how often the catalog is checked against the registry"));
    }

    private static MergePatch patch(String field, boolean value) {
        ObjectNode body = JSON.createObjectNode();
        body.put(field, value);
        return new MergePatch(body, Set.of(field));
    }
}
