package dev.portcullis.access;

import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The namespaces a subject may pull from, as an SQL condition on a namespace-name column, for lists that
 * must filter in the database (activities, repositories, search). The same rules as {@link AccessPolicy#pull}.
 */
@ApplicationScoped
public class VisibleNamespaces {

    /** A condition with its parameters, in order. */
    public record Condition(String sql, List<Object> args) {
    }

    @Inject
    PortcullisConfig config;

    /** {@code column IN (...)} for the subject, or {@code 1=1} for admins. */
    public Condition on(String column, Subject subject) {
        if (!subject.enabled()) {
            return new Condition("1=0", List.of());
        }
        if (subject.admin()) {
            return new Condition("1=1", List.of());
        }
        if (subject.anonymous()) {
            return config.access().anonymousPull()
                    ? new Condition(column + " IN (SELECT n.name FROM namespaces n WHERE n.visibility = 'PUBLIC')",
                            List.of())
                    : new Condition("1=0", List.of());
        }
        String uid = "(SELECT u.id FROM users u WHERE u.username = ?)";
        return new Condition(column + " IN (SELECT n.name FROM namespaces n"
                + " LEFT JOIN team_members m ON m.team_id = n.team_id AND m.user_id = " + uid
                + " WHERE n.visibility IN ('PROTECTED', 'PUBLIC') OR n.owner_user_id = " + uid
                + " OR m.user_id IS NOT NULL)", List.of(subject.name(), subject.name()));
    }

    /** {@code column IN (teams the subject belongs to)}, or {@code 1=1} for admins. */
    public Condition teams(String column, Subject subject) {
        if (subject.admin()) {
            return new Condition("1=1", List.of());
        }
        return new Condition(column + " IN (SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id"
                + " JOIN users u ON u.id = m.user_id WHERE u.username = ?)", List.of(subject.name()));
    }
}
