package dev.portcullis.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.policy.AccessPolicy;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Subject.TokenRestriction;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The lists filter in SQL ({@link VisibleNamespaces}) what the policy decides in Java ({@link AccessPolicy#mayPull}).
 * One table of subjects (owners, members, outsiders, admins, disabled accounts, anonymous callers, tokens limited to
 * namespaces or read-only) against one table of namespaces (private, protected, public, personal, global, unknown),
 * run through both in MariaDB: every cell must agree, so the SQL copy of the rule cannot drift from the rule.
 */
@QuarkusTest
class VisibleNamespacesAgreementTest {

    @Inject
    VisibleNamespaces visible;

    @Inject
    AccessService access;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theSqlFilterAndThePolicyAgreeOnEveryCase() throws Exception {
        String owner = TestUsers.create("agr");
        String viewer = TestUsers.create("agv");
        String outsider = TestUsers.create("ago");
        String team = AccessApi.createTeam(owner);
        AccessApi.addMember(team, owner, viewer, "viewer");
        String privateNs = AccessApi.createNamespace(owner, team, "private");
        String protectedNs = AccessApi.createNamespace(owner, team, "protected");
        String publicNs = AccessApi.createNamespace(owner, team, "public");
        String disabled = TestUsers.create("agd");
        AccessApi.asAdmin().contentType(AccessApi.MERGE_PATCH).body("{\"enabled\":false}")
                .patch("/api/v1/users/{u}", disabled).then().statusCode(200);

        List<String> namespaces = List.of(privateNs, protectedNs, publicNs, team, owner, outsider,
                NamespaceFacts.GLOBAL_NAME, "no-such-namespace-" + System.nanoTime());
        Map<String, Subject> subjects = new LinkedHashMap<>();
        subjects.put("team owner", new Subject(owner, false));
        subjects.put("team viewer", new Subject(viewer, false));
        subjects.put("outsider", new Subject(outsider, false));
        subjects.put("admin", new Subject(TestUsers.ADMIN, true));
        subjects.put("anonymous", Subject.ANONYMOUS);
        subjects.put("disabled", new Subject(disabled, false, false, false, TokenRestriction.NONE));
        subjects.put("disabled admin", new Subject(disabled, true, false, false, TokenRestriction.NONE));
        subjects.put("owner's token limited to one namespace",
                new Subject(owner, false).restrictedTo(new TokenRestriction(false, Set.of(privateNs))));
        subjects.put("owner's read-only token",
                new Subject(owner, false).restrictedTo(new TokenRestriction(true, Set.of())));
        subjects.put("viewer's token limited to another team's namespace",
                new Subject(viewer, false).restrictedTo(new TokenRestriction(false, Set.of(outsider))));
        subjects.put("admin's token limited to two namespaces", new Subject(TestUsers.ADMIN, true)
                .restrictedTo(new TokenRestriction(false, Set.of(publicNs, NamespaceFacts.GLOBAL_NAME))));
        subjects.put("outsider's token limited to its own namespace",
                new Subject(outsider, false).restrictedTo(new TokenRestriction(false, Set.of(outsider))));

        List<String> disagreements = new ArrayList<>();
        int allowed = 0;
        int denied = 0;
        for (Map.Entry<String, Subject> who : subjects.entrySet()) {
            Subject subject = who.getValue();
            Map<String, NamespaceFacts> facts = access.facts(subject, namespaces);
            for (String namespace : namespaces) {
                boolean policy = AccessPolicy.mayPull(subject, facts.get(namespace), access.settings());
                boolean sql = listed(subject, namespace);
                if (policy != sql) {
                    disagreements.add(who.getKey() + " on " + namespace + ": policy " + policy + ", SQL " + sql);
                }
                if (policy) {
                    allowed++;
                } else {
                    denied++;
                }
            }
        }
        assertEquals(List.of(), disagreements);
        // The table means something: both answers occur, many times over.
        assertTrue(allowed >= 20 && denied >= 20, allowed + " allowed, " + denied + " denied");
    }

    /** Whether a row filed under {@code namespace} passes the list filter for {@code subject}. */
    private boolean listed(Subject subject, String namespace) throws Exception {
        VisibleNamespaces.Condition condition = visible.on("x.ns", subject);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT ? AS ns) x WHERE " + condition.sql())) {
            s.setString(1, namespace);
            for (int i = 0; i < condition.args().size(); i++) {
                s.setObject(i + 2, condition.args().get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }
}
