package dev.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.access.ApplicationToken;
import dev.portcullis.access.ApplicationTokens;
import dev.portcullis.access.User;
import dev.portcullis.access.Users;
import dev.portcullis.access.api.ApiViews.TokenView;
import dev.portcullis.access.auth.Authentication;
import dev.portcullis.access.auth.Authenticator;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;

/** The signed-in user's own account: email, display name, password, and application tokens. */
@Path("/profile")
@Produces(MediaType.TEXT_HTML)
public class ProfilePage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_PAGES = 50;

    /** @param source who holds the password: only a local account has one here to change */
    public record Account(String username, String email, String displayName, boolean admin, boolean bot,
            Instant createdAt, String source) {
    }

    /** A token just created: its secret exists only in this answer. */
    public record NewToken(String name, String secret, String login) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance profile(Chrome page, Account account, List<TokenView> tokens,
                NewToken created, String registry);
    }

    @Inject
    WebRequest web;

    @Inject
    Users users;

    @Inject
    ApplicationTokens tokens;

    @Inject
    Authenticator authenticator;

    @Inject
    PortcullisConfig config;

    @GET
    public TemplateInstance profile() {
        return page(web.subject(), null);
    }

    @POST
    public Response update(@RestForm String email, @RestForm String displayName) {
        Subject subject = web.subject();
        ObjectNode patch = JSON.createObjectNode();
        patch.put("email", Links.blankToNull(email));
        patch.put("displayName", Links.blankToNull(displayName));
        users.update(subject, subject.name(), new MergePatch(patch, Set.of("email", "displayName")));
        return web.redirect("/profile", "Profile saved.");
    }

    /** The current password first: a session left open on a shared screen must not be enough to take over. */
    @POST
    @Path("password")
    public Response password(@RestForm String current, @RestForm String password, @RestForm String repeat) {
        Subject subject = web.subject();
        if (password == null || !password.equals(repeat)) {
            throw Refusal.invalid("the new password and its repetition differ");
        }
        if (!(authenticator.authenticate(subject.name(), current == null ? "" : current, web.address())
                instanceof Authentication.Authenticated checked) || checked.applicationTokenId() != null) {
            throw Refusal.forbidden("the current password is wrong");
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.put("password", password);
        users.update(subject, subject.name(), new MergePatch(patch, Set.of("password")));
        // The new password ended every web session of the account, this one too.
        web.endSession();
        return Response.seeOther(URI.create("/login?passwordChanged=true")).build();
    }

    /** Shown once, in this answer only (never stored, never in a URL), with the docker login line. */
    @POST
    @Path("tokens")
    public Response createToken(@RestForm String name, @RestForm boolean readOnly, @RestForm String namespaces,
            @RestForm Integer days) {
        Subject subject = web.subject();
        List<String> limitedTo = namespaces == null || namespaces.isBlank() ? List.of()
                : Arrays.stream(namespaces.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
        Instant expires = days == null || days <= 0 ? null : Instant.now().plus(Duration.ofDays(days));
        ApplicationTokens.Created created = tokens.create(subject, subject.name(), Links.blankToNull(name), expires,
                readOnly, limitedTo);
        String login = "docker login " + config.registry().service() + " -u " + subject.name();
        return Response.ok(page(subject, new NewToken(created.token().name, created.secret(), login)))
                .header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("tokens/{id}/revoke")
    public Response revoke(@RestPath long id) {
        Subject subject = web.subject();
        tokens.revoke(subject, subject.name(), id);
        return web.redirect("/profile", "Token revoked: it no longer signs in.");
    }

    private TemplateInstance page(Subject subject, NewToken created) {
        User user = users.find(subject.name());
        Account account = new Account(user.username, user.email, user.displayName, user.admin, user.bot,
                user.createdAt, user.source.label());
        // The live ones (at most 50 per account), wherever they are among revoked ones.
        List<TokenView> list = new ArrayList<>();
        long after = 0;
        for (int pages = 0; pages < MAX_TOKEN_PAGES; pages++) {
            Pagination.Page<ApplicationToken> page = tokens.list(subject, subject.name(), after, Pagination.MAX_LIMIT);
            page.items().stream().map(TokenView::of).filter(t -> t.revokedAt() == null).forEach(list::add);
            if (page.next() == null) {
                break;
            }
            after = Long.parseLong(Pagination.decode(page.next()));
        }
        return Templates.profile(web.chrome("profile", "Profile"), account, list, created, config.registry().service());
    }
}
