package dev.portcullis.access.policy;

import dev.portcullis.access.policy.NamespaceFacts.Kind;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PolicySettings.PushPolicy;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what: a pure function of immutable facts. No CDI, no database, no clock; deny by default.
 * One predicate per registry verb, in the words of the README's policy table; an application token's own
 * restriction is intersected last, so a token never widens its owner's rights.
 */
public final class AccessPolicy {

    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";
    static final List<String> REPOSITORY_ACTIONS = List.of(PULL, PUSH, DELETE);

    private AccessPolicy() {
    }

    public static Decision decide(Subject subject, Scope requested, NamespaceFacts namespace) {
        return decide(subject, requested, namespace, PolicySettings.DEFAULTS);
    }

    /**
     * @param namespace facts about the repository's namespace; ignored for {@code registry:catalog:*}
     */
    public static Decision decide(Subject subject, Scope requested, NamespaceFacts namespace, PolicySettings settings) {
        Map<String, String> reasons = new LinkedHashMap<>();
        Set<String> granted = new LinkedHashSet<>();
        if (requested.isCatalog()) {
            Verdict verdict = catalog(subject);
            boolean all = requested.actions().contains(Scope.ALL);
            for (String action : requested.actions()) {
                reasons.put(action, all ? verdict.reason() : "the catalog knows only the action '*'");
            }
            if (all && verdict.allowed()) {
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
                case PULL -> pull(subject, namespace, settings);
                case PUSH -> push(subject, namespace, settings);
                case DELETE -> delete(subject, namespace, settings);
                default -> Verdict.deny("unknown action '" + action + "'");
            };
            verdict = verdict.allowed() ? restrict(subject, namespace, action, verdict) : verdict;
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

    /** Whether the subject may pull from the namespace, its token's limits applied: what every list shows. */
    public static boolean mayPull(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        Verdict verdict = pull(subject, ns, settings);
        return verdict.allowed() && restrict(subject, ns, PULL, verdict).allowed();
    }

    static Verdict catalog(Subject subject) {
        if (!subject.enabled()) {
            return Verdict.deny(subject.name() + " is disabled");
        }
        if (!subject.admin()) {
            return Verdict.deny("only admins may list the catalog (registry:catalog:*)");
        }
        if (!subject.restriction().namespaces().isEmpty()) {
            return Verdict.deny("this token is limited to namespaces " + sorted(subject.restriction().namespaces()));
        }
        return Verdict.allow("admins may list the catalog");
    }

    static Verdict pull(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        if (!subject.enabled()) {
            return Verdict.deny(subject.name() + " is disabled");
        }
        if (subject.admin()) {
            return Verdict.allow("admins may pull everywhere");
        }
        if (ns.kind() == Kind.UNKNOWN) {
            return Verdict.deny("namespace '" + ns.name() + "' does not exist");
        }
        if (ns.visibility() == Visibility.PUBLIC) {
            if (!subject.anonymous()) {
                return Verdict.allow(label(ns) + " is public: anyone may pull");
            }
            return settings.anonymousPull()
                    ? Verdict.allow(label(ns) + " is public: anyone may pull, anonymous callers too")
                    : Verdict.deny("anonymous pulls are switched off on this registry");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers may pull only from public namespaces");
        }
        if (ns.visibility() == Visibility.PROTECTED) {
            return Verdict.allow(label(ns) + " is protected: every signed-in user may pull");
        }
        if (ns.role() != null) {
            return Verdict.allow(membership(subject, ns) + ": members may pull");
        }
        return Verdict.deny(label(ns) + " is private and " + subject.name() + " is not a member");
    }

    static Verdict push(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        if (!subject.enabled()) {
            return Verdict.deny(subject.name() + " is disabled");
        }
        if (subject.admin()) {
            return Verdict.allow("admins may push everywhere");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers never push");
        }
        if (settings.pushPolicy() == PushPolicy.ADMIN_ONLY) {
            return Verdict.deny("the push policy is admin-only");
        }
        return switch (ns.kind()) {
            case UNKNOWN -> Verdict.deny("namespace '" + ns.name() + "' does not exist");
            case GLOBAL -> Verdict.deny("only admins may push to the global namespace");
            case PERSONAL -> ns.role() == Role.OWNER
                    ? Verdict.allow(membership(subject, ns) + ": may push")
                    : Verdict.deny(subject.name() + " may not push to " + label(ns));
            case TEAM -> {
                if (settings.pushPolicy() == PushPolicy.ALLOW_PERSONAL) {
                    yield Verdict.deny("the push policy allows pushes to personal namespaces only");
                }
                if (ns.role() == Role.OWNER || ns.role() == Role.CONTRIBUTOR) {
                    yield Verdict.allow(membership(subject, ns) + ": owners and contributors may push");
                }
                yield Verdict.deny(ns.role() == null
                        ? subject.name() + " is not a member of team '" + ns.team() + "', which owns " + label(ns)
                        : membership(subject, ns) + ": viewers may pull, not push");
            }
        };
    }

    static Verdict delete(Subject subject, NamespaceFacts ns, PolicySettings settings) {
        if (!subject.enabled()) {
            return Verdict.deny(subject.name() + " is disabled");
        }
        if (subject.admin()) {
            return Verdict.allow("admins may delete everywhere");
        }
        if (subject.anonymous()) {
            return Verdict.deny("anonymous callers never delete");
        }
        if (ns.kind() == Kind.GLOBAL || ns.kind() == Kind.UNKNOWN) {
            return Verdict.deny("only admins may delete in " + label(ns));
        }
        if (ns.role() == Role.OWNER) {
            return Verdict.allow(membership(subject, ns) + ": owners may delete");
        }
        if (ns.role() == Role.CONTRIBUTOR) {
            return settings.contributorsMayDelete()
                    ? Verdict.allow(membership(subject, ns) + ": contributors may delete on this registry")
                    : Verdict.deny(membership(subject, ns) + ": only owners may delete");
        }
        return Verdict.deny(ns.role() == null
                ? subject.name() + " is not a member of " + label(ns)
                : membership(subject, ns) + ": only owners may delete");
    }

    /** The token's own limits, applied to what the owner was allowed. */
    static Verdict restrict(Subject subject, NamespaceFacts ns, String action, Verdict allowed) {
        Subject.TokenRestriction restriction = subject.restriction();
        if (restriction.readOnly() && !action.equals(PULL)) {
            return Verdict.deny(allowed.reason() + ", but this token is read-only");
        }
        if (!restriction.allowsNamespace(ns.name())) {
            return Verdict.deny(allowed.reason() + ", but this token is limited to namespaces "
                    + sorted(restriction.namespaces()));
        }
        return allowed;
    }

    private static String label(NamespaceFacts ns) {
        return ns.kind() == Kind.GLOBAL ? "the global namespace" : "namespace '" + ns.name() + "'";
    }

    private static String membership(Subject subject, NamespaceFacts ns) {
        if (ns.kind() == Kind.PERSONAL && ns.role() == Role.OWNER) {
            return subject.name() + " owns the personal namespace '" + ns.name() + "'";
        }
        return subject.name() + " is " + article(ns.role()) + " of team '" + ns.team() + "'";
    }

    private static String article(Role role) {
        String name = role.name().toLowerCase();
        return (name.startsWith("o") ? "an " : "a ") + name;
    }

    private static String sorted(Set<String> names) {
        return names.stream().sorted().toList().toString();
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
