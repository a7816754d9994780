package dev.portcullis.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers the facts for requested scopes in one query and asks the pure {@link AccessPolicy}. */
@ApplicationScoped
public class AccessService {

    @Inject
    EntityManager em;

    public List<Decision> decide(Subject subject, List<Scope> requested) {
        Map<String, NamespaceFacts> facts = namespaceFacts(subject, requested);
        List<Decision> decisions = new ArrayList<>(requested.size());
        for (Scope scope : requested) {
            NamespaceFacts ns = scope.isRepository() && !scope.hasHost()
                    ? facts.get(key(RepositoryName.namespaceOf(scope.name())))
                    : NamespaceFacts.unknown("");
            decisions.add(AccessPolicy.decide(subject, scope, ns));
        }
        return decisions;
    }

    private Map<String, NamespaceFacts> namespaceFacts(Subject subject, List<Scope> scopes) {
        Map<String, NamespaceFacts> facts = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (Scope scope : scopes) {
            if (!scope.isRepository() || scope.hasHost()) {
                continue;
            }
            String ns = RepositoryName.namespaceOf(scope.name());
            if (ns == null) {
                facts.put(key(null), NamespaceFacts.global());
            } else if (facts.putIfAbsent(ns, NamespaceFacts.unknown(ns)) == null) {
                names.add(ns);
            }
        }
        if (!names.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createQuery(
                    "select n.name, n.kind, n.visibility, o.username from Namespace n left join n.owner o"
                            + " where n.name in :names")
                    .setParameter("names", Set.copyOf(names))
                    .getResultList();
            for (Object[] row : rows) {
                String name = (String) row[0];
                String owner = (String) row[3];
                Role role = owner != null && !subject.anonymous() && owner.equals(subject.name()) ? Role.OWNER : null;
                facts.put(name, new NamespaceFacts(name, (NamespaceFacts.Kind) row[1], (Visibility) row[2], role));
            }
        }
        return facts;
    }

    private static String key(String namespace) {
        return namespace == null ? "" : namespace;
    }
}
