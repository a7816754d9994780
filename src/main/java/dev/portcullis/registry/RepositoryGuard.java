package dev.portcullis.registry;

import dev.portcullis.access.AccessService;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;

/**
 * Who may see and change a repository through the API, by the same policy as the token endpoint: a repository
 * the caller may not pull does not exist for them (404, so a name is not confirmed to those who may not see it).
 */
@ApplicationScoped
public class RepositoryGuard {

    @Inject
    AccessService access;

    /** @throws Refusal.NotFound when the caller may not pull from the repository, or its name is not one */
    public void requirePull(Subject subject, String name) {
        if (!RepositoryName.isValid(name) || !allowed(subject, name, "pull")) {
            throw Refusal.notFound("no repository '" + name + "'");
        }
    }

    /** By the delete rule (owners; contributors only with {@code portcullis.delete.contributors}). */
    public void requireDelete(Subject subject, String name) {
        requirePull(subject, name);
        if (!allowed(subject, name, "delete")) {
            throw Refusal.forbidden(subject.name() + " may not delete in '" + name + "'");
        }
    }

    /** The namespace's owners (and admins) describe its repositories. */
    public void requireEdit(Subject subject, String name) {
        if (!ManagementPolicy.mayDescribeRepository(subject,
                access.facts(subject, RepositoryName.namespaceName(name)))) {
            requirePull(subject, name);
            throw Refusal.forbidden("only owners may edit the description of '" + name + "'");
        }
    }

    private boolean allowed(Subject subject, String name, String action) {
        Decision decision = access.decide(subject, List.of(new Scope(Scope.REPOSITORY, name, Set.of(action)))).get(0);
        return decision.granted().actions().contains(action);
    }
}
