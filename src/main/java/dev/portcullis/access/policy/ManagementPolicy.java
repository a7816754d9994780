package dev.portcullis.access.policy;

import dev.portcullis.access.policy.NamespaceFacts.Kind;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PolicySettings.Who;

/**
 * Who may manage what through the API: pure predicates beside {@link AccessPolicy}, with the same facts.
 * Admins may do everything; a disabled or anonymous subject nothing.
 */
public final class ManagementPolicy {

    private ManagementPolicy() {
    }

    private static boolean active(Subject subject) {
        return subject.enabled() && !subject.anonymous() && !subject.restriction().readOnly();
    }

    public static boolean mayCreateTeam(Subject subject, PolicySettings settings) {
        return active(subject) && (subject.admin() || settings.teamCreation() == Who.EVERYONE && !subject.bot());
    }

    /** Members see their teams; admins see every team. */
    public static boolean maySeeTeam(Subject subject, Role role) {
        return subject.enabled() && (subject.admin() || role != null);
    }

    /** Members, description, deletion: the team's owners. */
    public static boolean mayManageTeam(Subject subject, Role role) {
        return active(subject) && (subject.admin() || role == Role.OWNER);
    }

    public static boolean mayCreateNamespace(Subject subject, Role roleInTeam, PolicySettings settings) {
        return active(subject) && (subject.admin()
                || settings.namespaceCreation() != Who.ADMINS && roleInTeam == Role.OWNER);
    }

    /** A namespace is listed to whoever may pull from it, and to its members. */
    public static boolean maySeeNamespace(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        return AccessPolicy.pull(subject, ns, settings).allowed() || subject.enabled() && ns.role() != null;
    }

    /** Description and team: the owners (of the team, or of the personal namespace). */
    public static boolean mayEditNamespace(Subject subject, NamespaceFacts ns) {
        if (ns.kind() == Kind.GLOBAL) {
            return active(subject) && subject.admin();
        }
        return active(subject) && (subject.admin() || ns.role() == Role.OWNER);
    }

    public static boolean mayChangeVisibility(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        return mayEditNamespace(subject, ns) && (subject.admin() || settings.visibilityChange() != Who.ADMINS);
    }

    /** Moving a namespace to another team needs ownership of both. */
    public static boolean mayMoveNamespace(Subject subject, NamespaceFacts ns, Role roleInTargetTeam) {
        return mayEditNamespace(subject, ns) && (subject.admin() || roleInTargetTeam == Role.OWNER);
    }

    /** Users see themselves; admins see everyone. */
    public static boolean mayViewUser(Subject subject, String username) {
        return subject.enabled() && !subject.anonymous() && (subject.admin() || subject.name().equals(username));
    }

    /** Users change themselves and their tokens; admins everyone. A limited token changes nothing here. */
    public static boolean mayManageUser(Subject subject, String username) {
        return active(subject) && subject.restriction().namespaces().isEmpty() && mayViewUser(subject, username);
    }
}
