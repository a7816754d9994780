package dev.portcullis.web;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.Users;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Why?: which registry actions an account may take on a repository, and the rule behind each, in words. The
 * same decision the token endpoint makes (as {@code GET /api/v1/access/explain} answers it): admins ask about
 * anyone, others about themselves.
 */
@Path("/why")
@Produces(MediaType.TEXT_HTML)
public class WhyPage {

    static final List<String> ACTIONS = List.of("pull", "push", "delete");

    public record Answer(String action, boolean allowed, String reason) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance why(Chrome page, String account, String repository, boolean mayAskOthers,
                List<Answer> answers);
    }

    @Inject
    WebRequest web;

    @Inject
    AccessService access;

    @Inject
    Users users;

    @GET
    public TemplateInstance why(@RestQuery String account, @RestQuery String repository) {
        Subject asker = web.subject();
        String name = Links.blankToNull(account) == null ? asker.name() : account.trim();
        String repo = Links.blankToNull(repository);
        List<Answer> answers = List.of();
        if (repo != null) {
            if (!ManagementPolicy.mayViewUser(asker, name)) {
                throw Refusal.forbidden("only admins explain the access of other accounts");
            }
            if (!RepositoryName.isValid(repo)) {
                throw Refusal.malformed("'" + repo + "' is not a repository name (lowercase, like team/app)");
            }
            Subject subject = users.find(name).subject();
            Decision decision = access.decide(subject,
                    List.of(new Scope(Scope.REPOSITORY, repo, Set.copyOf(ACTIONS)))).get(0);
            Set<String> granted = decision.granted().actions();
            answers = new ArrayList<>();
            for (String action : ACTIONS) {
                answers.add(new Answer(action, granted.contains(action) || granted.contains(Scope.ALL),
                        decision.reasons().getOrDefault(action, "")));
            }
        }
        return Templates.why(web.chrome("why", "Why?"), name, repo, asker.admin(), answers);
    }
}
