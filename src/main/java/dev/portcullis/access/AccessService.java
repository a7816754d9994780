package dev.portcullis.access;

import com.github.benmanes.caffeine.cache.Cache;
import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.access.epoch.EpochCache;
import dev.portcullis.access.policy.AccessPolicy;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Role;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PortcullisConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    PortcullisConfig config;

    @Inject
    AccessEpoch epoch;

    @Inject
    MeterRegistry meters;

    /** Facts by subject and namespace name, for the current access epoch. */
    private EpochCache<String, NamespaceFacts> known;

    @PostConstruct
    void start() {
        known = new EpochCache<>(epoch::access, "namespace-facts", 50_000, meters);
    }

    public PolicySettings settings() {
        return config.policySettings();
    }

    public List<Decision> decide(Subject subject, List<Scope> requested) {
        Set<String> names = new LinkedHashSet<>();
        for (Scope scope : requested) {
            if (scope.isRepository() && !scope.hasHost()) {
                names.add(RepositoryName.namespaceName(scope.name()));
            }
        }
        Map<String, NamespaceFacts> facts = facts(subject, names);
        PolicySettings settings = settings();
        List<Decision> decisions = new ArrayList<>(requested.size());
        for (Scope scope : requested) {
            NamespaceFacts ns = scope.isRepository() && !scope.hasHost()
                    ? facts.get(RepositoryName.namespaceName(scope.name()))
                    : NamespaceFacts.unknown("");
            decisions.add(AccessPolicy.decide(subject, scope, ns, settings));
        }
        return decisions;
    }

    /**
     * Facts about each named namespace as seen by {@code subject}, unknown names included: cached for the current
     * access epoch, the rest in one query. Plain JDBC: this runs on every token request (bench/tokens.sh); inside a
     * transaction nothing is cached and what the ORM has not yet written is flushed first, so a namespace created
     * earlier in the same transaction is seen.
     */
    public Map<String, NamespaceFacts> facts(Subject subject, Collection<String> names) {
        Map<String, NamespaceFacts> facts = new HashMap<>();
        if (names.isEmpty()) {
            return facts;
        }
        String who = subject.anonymous() ? "\u0000" : subject.name();
        Cache<String, NamespaceFacts> cached = known.valuesNow();
        List<String> missing = new ArrayList<>(names.size());
        for (String name : Set.copyOf(names)) {
            NamespaceFacts hit = cached == null ? null : cached.getIfPresent(who + '\u0000' + name);
            if (hit != null) {
                facts.put(name, hit);
            } else {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            known.countLoad();
            read(subject, missing, facts);
            if (cached != null) {
                for (String name : missing) {
                    cached.put(who + '\u0000' + name, facts.get(name));
                }
            }
        }
        return facts;
    }

    private void read(Subject subject, List<String> distinct, Map<String, NamespaceFacts> facts) {
        for (String name : distinct) {
            facts.put(name, NamespaceFacts.unknown(name));
        }
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            em.flush();
        }
        String sql = """
                SELECT n.name, n.kind, n.visibility, o.username, t.name, m.role
                FROM namespaces n
                LEFT JOIN users o ON o.id = n.owner_user_id
                LEFT JOIN teams t ON t.id = n.team_id
                LEFT JOIN (team_members m JOIN users mu ON mu.id = m.user_id AND mu.username = ?) ON m.team_id = t.id
                WHERE n.name IN (""" + "?,".repeat(distinct.size() - 1) + "?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, subject.anonymous() ? "\u0000" : subject.name());
            for (int i = 0; i < distinct.size(); i++) {
                s.setString(i + 2, distinct.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String role = rs.getString(6);
                    facts.put(rs.getString(1), facts(rs.getString(1), NamespaceFacts.Kind.valueOf(rs.getString(2)),
                            Visibility.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
                            role == null ? null : Role.valueOf(role), subject));
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the namespaces' facts", e);
        }
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
