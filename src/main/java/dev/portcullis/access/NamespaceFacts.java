package dev.portcullis.access;

/**
 * What the policy needs to know about the namespace of a requested repository, seen from one subject.
 *
 * @param kind       global, personal, team, or {@code UNKNOWN} when no such namespace exists
 * @param role       the subject's role there, or {@code null} when it has none
 */
public record NamespaceFacts(String name, Kind kind, Visibility visibility, Role role) {

    public enum Kind { GLOBAL, PERSONAL, TEAM, UNKNOWN }

    public static NamespaceFacts unknown(String name) {
        return new NamespaceFacts(name, Kind.UNKNOWN, Visibility.PRIVATE, null);
    }

    public static NamespaceFacts global() {
        return new NamespaceFacts("", Kind.GLOBAL, Visibility.PROTECTED, null);
    }
}
