package dev.portcullis.access;

import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers the facts for requested scopes in one query and asks the pure {@link AccessPolicy}. */
@ApplicationScoped
public class AccessService {

    @Inject
    EntityManager em;

    @Inject
    PortcullisConfig config;

    public PolicySettings settings() {
        return config.policySettings();
    }

    @Transactional
    public List<Decision> decide(Subject subject, List<Scope> requested) {
        Set<String> names = new LinkedHashSet<>();
        for (Scope scope : requested) {
            if (scope.isRepository() && !scope.hasHost()) {
                names.add(namespaceName(scope.name()));
            }
        }
        Map<String, NamespaceFacts> facts = facts(subject, names);
        PolicySettings settings = settings();
        List<Decision> decisions = new ArrayList<>(requested.size());
        for (Scope scope : requested) {
            NamespaceFacts ns = scope.isRepository() && !scope.hasHost()
                    ? facts.get(namespaceName(scope.name()))
                    : NamespaceFacts.unknown("");
            decisions.add(AccessPolicy.decide(subject, scope, ns, settings));
        }
        return decisions;
    }

    /** The namespace a repository belongs to, with the global namespace under its reserved name. */
    public static String namespaceName(String repository) {
        String ns = RepositoryName.namespaceOf(repository);
        return ns == null ? NamespaceFacts.GLOBAL_NAME : ns;
    }

    /** Facts about each named namespace as seen by {@code subject}: one query, unknown names included. */
    @Transactional
    public Map<String, NamespaceFacts> facts(Subject subject, Collection<String> names) {
        Map<String, NamespaceFacts> facts = new HashMap<>();
        for (String name : names) {
            facts.put(name, NamespaceFacts.unknown(name));
        }
        if (names.isEmpty()) {
            return facts;
        }
        List<Object[]> rows = em.createQuery("""
                        select n.name, n.kind, n.visibility, o.username, t.name, m.role
                        from Namespace n left join n.owner o left join n.team t
                        left join TeamMember m on m.team = t and m.user.username = :me
                        where n.name in :names""", Object[].class)
                .setParameter("names", Set.copyOf(names))
                .setParameter("me", subject.anonymous() ? "\u0000" : subject.name())
                .getResultList();
        for (Object[] row : rows) {
            facts.put((String) row[0], facts((String) row[0], (NamespaceFacts.Kind) row[1], (Visibility) row[2],
                    (String) row[3], (String) row[4], (Role) row[5], subject));
        }
        return facts;
    }

    public NamespaceFacts facts(Subject subject, String name) {
        return facts(subject, List.of(name)).get(name);
    }

    static NamespaceFacts facts(String name, NamespaceFacts.Kind kind, Visibility visibility, String owner,
            String team, Role teamRole, Subject subject) {
        Role role = switch (kind) {
            case PERSONAL -> owner != null && !subject.anonymous() && owner.equals(subject.name()) ? Role.OWNER : null;
            case TEAM -> teamRole;
            default -> null;
        };
        return new NamespaceFacts(name, kind, visibility, team, role);
    }
}
