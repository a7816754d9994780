package dev.portcullis.access.policy;

/**
 * What the policy needs to know about the namespace of a requested repository, seen from one subject.
 *
 * @param kind global, personal, team, or {@code UNKNOWN} when no such namespace exists
 * @param team the owning team's name, for team namespaces
 * @param role the subject's role there, or {@code null} when it has none
 */
public record NamespaceFacts(String name, Kind kind, Visibility visibility, String team, Role role) {

    /** The global namespace's name: outside the name grammar, so no user, team or namespace takes it. */
    public static final String GLOBAL_NAME = "_global";

    public enum Kind { GLOBAL, PERSONAL, TEAM, UNKNOWN }

    public NamespaceFacts(String name, Kind kind, Visibility visibility, Role role) {
        this(name, kind, visibility, null, role);
    }

    public static NamespaceFacts unknown(String name) {
        return new NamespaceFacts(name, Kind.UNKNOWN, Visibility.PRIVATE, null, null);
    }

    public static NamespaceFacts global(Visibility visibility) {
        return new NamespaceFacts(GLOBAL_NAME, Kind.GLOBAL, visibility, null, null);
    }

    public static NamespaceFacts global() {
        return global(Visibility.PROTECTED);
    }
}
