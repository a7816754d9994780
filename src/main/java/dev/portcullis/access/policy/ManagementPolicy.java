package dev.portcullis.access.policy;

import dev.portcullis.access.policy.NamespaceFacts.Kind;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PolicySettings.Who;

/**
 * Who may manage what through the API: pure predicates beside {@link AccessPolicy}, with the same facts.
 * Admins may do everything; a disabled or anonymous subject nothing. An application token narrows its owner:
 * a read-only one changes nothing; one limited to namespaces sees and changes only repositories inside them
 * (their tags and descriptions) — no accounts, tokens, teams, members, namespaces or visibility, and no admin
 * powers outside its namespaces.
 */
public final class ManagementPolicy {

    private ManagementPolicy() {
    }

    /** May change things at all: signed in, enabled, not through a read-only token. */
    private static boolean active(Subject subject) {
        return subject.enabled() && !subject.anonymous() && !subject.restriction().readOnly();
    }

    /** Not narrowed to namespaces: a password, a session, or a token for everything its owner may do. */
    private static boolean unlimited(Subject subject) {
        return subject.restriction().namespaces().isEmpty();
    }

    /** An admin with the whole of an admin's reach: not through a token limited to namespaces. */
    public static boolean actsAsAdmin(Subject subject) {
        return subject.enabled() && subject.admin() && unlimited(subject);
    }

    public static boolean mayCreateTeam(Subject subject, PolicySettings settings) {
        return active(subject) && unlimited(subject)
                && (subject.admin() || settings.teamCreation() == Who.EVERYONE && !subject.bot());
    }

    /** Members see their teams; admins see every team. */
    public static boolean maySeeTeam(Subject subject, Role role) {
        return subject.enabled() && unlimited(subject) && (subject.admin() || role != null);
    }

    /** Members, description, deletion: the team's owners. */
    public static boolean mayManageTeam(Subject subject, Role role) {
        return active(subject) && unlimited(subject) && (subject.admin() || role == Role.OWNER);
    }

    /** A member leaves a team of its own will, not through a token that may change nothing. */
    public static boolean mayLeaveTeam(Subject subject, Role role) {
        return active(subject) && unlimited(subject) && role != null;
    }

    public static boolean mayCreateNamespace(Subject subject, Role roleInTeam, PolicySettings settings) {
        return active(subject) && unlimited(subject) && (subject.admin()
                || settings.namespaceCreation() != Who.ADMINS && roleInTeam == Role.OWNER);
    }

    /** A namespace is listed to whoever may pull from it, and to its members, within a token's namespaces. */
    public static boolean maySeeNamespace(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        return AccessPolicy.mayPull(subject, ns, settings) || subject.enabled() && ns.role() != null
                && subject.restriction().allowsNamespace(ns.name());
    }

    /** A namespace's description, team and deletion: the owners (of the team, or of the personal namespace). */
    public static boolean mayEditNamespace(Subject subject, NamespaceFacts ns) {
        return unlimited(subject) && owns(subject, ns);
    }

    /** A repository's description: the namespace's owners, also through a token limited to that namespace. */
    public static boolean mayDescribeRepository(Subject subject, NamespaceFacts ns) {
        return subject.restriction().allowsNamespace(ns.name()) && owns(subject, ns);
    }

    /** Stars are the caller's own marks on what it may pull: not through a read-only token. */
    public static boolean mayStar(Subject subject) {
        return active(subject);
    }

    public static boolean mayChangeVisibility(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        return mayEditNamespace(subject, ns) && (subject.admin() || settings.visibilityChange() != Who.ADMINS);
    }

    /** Moving a namespace to another team needs ownership of both. */
    public static boolean mayMoveNamespace(Subject subject, NamespaceFacts ns, Role roleInTargetTeam) {
        return mayEditNamespace(subject, ns) && (subject.admin() || roleInTargetTeam == Role.OWNER);
    }

    /** Users see themselves; admins see everyone (not through a token limited to namespaces). */
    public static boolean mayViewUser(Subject subject, String username) {
        return subject.enabled() && !subject.anonymous() && (actsAsAdmin(subject) || subject.name().equals(username));
    }

    /** Users change themselves and their tokens; admins everyone. A limited token changes nothing here. */
    public static boolean mayManageUser(Subject subject, String username) {
        return active(subject) && unlimited(subject) && mayViewUser(subject, username);
    }

    /** Reconciliation and the registry's status: admins, with a token that may change things and reach everywhere. */
    public static boolean mayOperateRegistry(Subject subject) {
        return active(subject) && actsAsAdmin(subject);
    }

    private static boolean owns(Subject subject, NamespaceFacts ns) {
        if (ns.kind() == Kind.GLOBAL) {
            return active(subject) && subject.admin();
        }
        return active(subject) && (subject.admin() || ns.role() == Role.OWNER);
    }
}
