package dev.portcullis.access;

import dev.portcullis.access.policy.AccessPolicy;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The namespaces a subject may pull from, as an SQL condition on a namespace-name column, for lists that must
 * filter in the database (activities, repositories, search): the rule of {@link AccessPolicy#mayPull}, an
 * application token's namespaces included. {@code VisibleNamespacesAgreementTest} runs one table of cases through
 * both in MariaDB, so the copy cannot drift.
 */
@ApplicationScoped
public class VisibleNamespaces {

    /** A condition with its parameters, in order. */
    public record Condition(String sql, List<Object> args) {

        static final Condition NONE = new Condition("1=0", List.of());
        static final Condition ALL = new Condition("1=1", List.of());

        Condition and(Condition other) {
            List<Object> both = new ArrayList<>(args);
            both.addAll(other.args);
            return new Condition("(" + sql + " AND " + other.sql + ")", both);
        }
    }

    @Inject
    PortcullisConfig config;

    /** {@code column IN (...)} for the subject, or {@code 1=1} for admins. */
    public Condition on(String column, Subject subject) {
        Condition pull = pullable(column, subject);
        if (subject.restriction().namespaces().isEmpty() || pull == Condition.NONE) {
            return pull;
        }
        List<Object> names = new ArrayList<>(new TreeSet<>(subject.restriction().namespaces()));
        Condition limited = new Condition(column + " IN (" + String.join(", ", Collections.nCopies(names.size(), "?"))
                + ")", names);
        return pull == Condition.ALL ? limited : pull.and(limited);
    }

    private Condition pullable(String column, Subject subject) {
        if (!subject.enabled()) {
            return Condition.NONE;
        }
        if (subject.admin()) {
            return Condition.ALL;
        }
        if (subject.anonymous()) {
            return config.access().anonymousPull()
                    ? new Condition(column + " IN (SELECT n.name FROM namespaces n WHERE n.visibility = 'PUBLIC')",
                            List.of())
                    : Condition.NONE;
        }
        String uid = "(SELECT u.id FROM users u WHERE u.username = ?)";
        return new Condition(column + " IN (SELECT n.name FROM namespaces n"
                + " LEFT JOIN team_members m ON m.team_id = n.team_id AND m.user_id = " + uid
                + " WHERE n.visibility IN ('PROTECTED', 'PUBLIC') OR n.owner_user_id = " + uid
                + " OR m.user_id IS NOT NULL)", List.of(subject.name(), subject.name()));
    }

    /**
     * {@code column IN (teams the subject belongs to)}, {@code 1=1} for admins; nothing through a token limited to
     * namespaces (teams are not among them).
     */
    public Condition teams(String column, Subject subject) {
        if (!subject.enabled() || !subject.restriction().namespaces().isEmpty()) {
            return Condition.NONE;
        }
        if (subject.admin()) {
            return Condition.ALL;
        }
        return new Condition(column + " IN (SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id"
                + " JOIN users u ON u.id = m.user_id WHERE u.username = ?)", List.of(subject.name()));
    }
}
