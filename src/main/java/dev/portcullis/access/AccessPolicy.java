package dev.portcullis.access;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what: a pure function of immutable facts. No CDI, no database, no clock; deny by default.
 * One predicate per registry verb, in the words of the README's policy table.
 */
public final class AccessPolicy {

    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";
    static final List<String> REPOSITORY_ACTIONS = List.of(PULL, PUSH, DELETE);

    private AccessPolicy() {
    }

    /**
     * @param namespace facts about the repository's namespace; ignored for {@code registry:catalog:*}
     */
    public static Decision decide(Subject subject, Scope requested, NamespaceFacts namespace) {
        Map<String, String> reasons = new LinkedHashMap<>();
        Set<String> granted = new LinkedHashSet<>();
        if (requested.isCatalog()) {
            boolean all = requested.actions().contains(Scope.ALL);
            for (String action : requested.actions()) {
                reasons.put(action, subject.admin() && all
                        ? "admins may list the catalog"
                        : "only admins may list the catalog (registry:catalog:*)");
            }
            if (subject.admin() && all) {
                granted.add(Scope.ALL);
            }
            return new Decision(requested.withActions(granted), reasons);
        }
        if (!requested.isRepository() || requested.hasHost()) {
            requested.actions().forEach(a -> reasons.put(a, "not a repository of this registry"));
            return new Decision(requested.withActions(Set.of()), reasons);
        }

        boolean wantsAll = requested.actions().contains(Scope.ALL);
        Set<String> asked = new LinkedHashSet<>(wantsAll ? REPOSITORY_ACTIONS : List.of());
        asked.addAll(requested.actions());
        asked.remove(Scope.ALL);
        for (String action : asked) {
            Verdict verdict = switch (action) {
                case PULL -> pull(subject, namespace);
                case PUSH -> push(subject, namespace);
                case DELETE -> delete(subject, namespace);
                default -> Verdict.deny("unknown action '" + action + "'");
            };
            reasons.put(action, verdict.reason());
            if (verdict.allowed()) {
                granted.add(action);
            }
        }
        if (wantsAll && granted.containsAll(REPOSITORY_ACTIONS)) {
            granted = new LinkedHashSet<>(List.of(Scope.ALL));
        }
        return new Decision(requested.withActions(granted), reasons);
    }

    static Verdict pull(Subject subject, NamespaceFacts ns) {
        if (subject.admin()) {
            return Verdict.allow("admins may pull everywhere");
        }
        if (ns.kind() == NamespaceFacts.Kind.UNKNOWN) {
            return Verdict.deny("namespace '" + ns.name() + "' does not exist");
        }
        if (ns.visibility() == Visibility.PUBLIC) {
            return Verdict.allow("namespace is public: anyone may pull");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers may pull only from public namespaces");
        }
        if (ns.visibility() == Visibility.PROTECTED) {
            return Verdict.allow(ns.kind() == NamespaceFacts.Kind.GLOBAL
                    ? "every signed-in user may pull from the global namespace"
                    : "namespace is protected: every signed-in user may pull");
        }
        if (ns.role() != null) {
            return Verdict.allow(describe(subject, ns) + ": members may pull");
        }
        return Verdict.deny("namespace '" + ns.name() + "' is private and " + subject.name() + " is not a member");
    }

    static Verdict push(Subject subject, NamespaceFacts ns) {
        if (subject.admin()) {
            return Verdict.allow("admins may push everywhere");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers never push");
        }
        return switch (ns.kind()) {
            case UNKNOWN -> Verdict.deny("namespace '" + ns.name() + "' does not exist");
            case GLOBAL -> Verdict.deny("only admins may push to the global namespace");
            case PERSONAL, TEAM -> ns.role() == Role.OWNER || ns.role() == Role.CONTRIBUTOR
                    ? Verdict.allow(describe(subject, ns) + ": may push")
                    : Verdict.deny(ns.role() == null
                            ? subject.name() + " is not a member of namespace '" + ns.name() + "'"
                            : describe(subject, ns) + ": viewers may pull, not push");
        };
    }

    static Verdict delete(Subject subject, NamespaceFacts ns) {
        if (subject.admin()) {
            return Verdict.allow("admins may delete everywhere");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers never delete");
        }
        if (ns.kind() == NamespaceFacts.Kind.GLOBAL) {
            return Verdict.deny("only admins may delete in the global namespace");
        }
        return ns.role() == Role.OWNER
                ? Verdict.allow(describe(subject, ns) + ": owners may delete")
                : Verdict.deny(ns.role() == null
                        ? subject.name() + " is not a member of namespace '" + ns.name() + "'"
                        : describe(subject, ns) + ": only owners may delete");
    }

    private static String describe(Subject subject, NamespaceFacts ns) {
        if (ns.kind() == NamespaceFacts.Kind.PERSONAL) {
            return ns.role() == Role.OWNER
                    ? subject.name() + " owns the personal namespace '" + ns.name() + "'"
                    : subject.name() + " is a " + ns.role().name().toLowerCase() + " of namespace '" + ns.name() + "'";
        }
        return subject.name() + " is a " + ns.role().name().toLowerCase() + " of namespace '" + ns.name() + "'";
    }

    record Verdict(boolean allowed, String reason) {
        static Verdict allow(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict deny(String reason) {
            return new Verdict(false, reason);
        }
    }
}
