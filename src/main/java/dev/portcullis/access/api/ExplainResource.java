package dev.portcullis.access.api;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.User;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Refusal;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Why may (or may not) an account do something: the same decision the token endpoint makes, with the rule
 * behind each action in words. Admins ask about anyone; a user about themselves.
 */
@Path("/api/v1/access/explain")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "access", description = "Why an account may or may not pull, push or delete: the token endpoint's own"
        + " decision, with the rule behind each action")
public class ExplainResource {

    public record ActionView(boolean allowed, String reason) {
    }

    public record ExplanationView(String scope, List<String> granted, Map<String, ActionView> actions) {
    }

    public record ExplainView(String account, List<ExplanationView> scopes) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    AccessService access;

    @GET
    @Transactional
    @Operation(operationId = "explainAccess", summary = "What an account is granted for each scope, and why")
    @APIResponse(responseCode = "200", description = "The granted actions and the rule for each action asked")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public ExplainView explain(
            @RestQuery @Parameter(description = "the account asked about; absent: the caller") String account,
            @RestQuery @Parameter(required = true, description = "one or more scopes as the registry asks them,"
                    + " type:name:actions, e.g. repository:team-a/app:pull,push") List<String> scope) {
        Subject asker = caller.subject();
        String name = account == null || account.isEmpty() ? asker.name() : account;
        if (!ManagementPolicy.mayViewUser(asker, name)) {
            throw Refusal.forbidden("only admins explain the access of other accounts");
        }
        User user = User.findByUsername(name).orElseThrow(() -> Refusal.notFound("no user '" + name + "'"));
        if (scope == null || scope.isEmpty()) {
            throw Refusal.malformed("at least one scope is required, e.g. repository:team/app:pull,push");
        }
        List<Scope> scopes;
        try {
            scopes = Scope.parseAll(scope);
        } catch (Scope.MalformedScopeException e) {
            throw Refusal.malformed(e.getMessage());
        }
        Subject subject = user.subject();
        List<ExplanationView> explanations = new ArrayList<>();
        List<Decision> decisions = access.decide(subject, scopes);
        for (int i = 0; i < scopes.size(); i++) {
            Decision decision = decisions.get(i);
            Map<String, ActionView> actions = new LinkedHashMap<>();
            decision.reasons().forEach((action, reason) ->
                    actions.put(action, new ActionView(decision.granted().actions().contains(action)
                            || decision.granted().actions().contains(Scope.ALL), reason)));
            explanations.add(new ExplanationView(scopes.get(i).toString(), List.copyOf(decision.granted().actions()),
                    actions));
        }
        return new ExplainView(name, explanations);
    }
}
