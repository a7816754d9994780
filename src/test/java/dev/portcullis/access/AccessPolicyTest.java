package dev.portcullis.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portcullis.access.NamespaceFacts.Kind;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy table of the README, one row per rule. */
class AccessPolicyTest {

    static final Subject ADMIN = new Subject("root", true);
    static final Subject ALICE = new Subject("alice", false);
    static final Subject BOB = new Subject("bob", false);
    static final Subject ANON = Subject.ANONYMOUS;

    static final NamespaceFacts ALICE_NS_FOR_ALICE = new NamespaceFacts("alice", Kind.PERSONAL, Visibility.PRIVATE, Role.OWNER);
    static final NamespaceFacts ALICE_NS_FOR_OTHERS = new NamespaceFacts("alice", Kind.PERSONAL, Visibility.PRIVATE, null);
    static final NamespaceFacts ALICE_NS_PROTECTED = new NamespaceFacts("alice", Kind.PERSONAL, Visibility.PROTECTED, null);
    static final NamespaceFacts ALICE_NS_PUBLIC = new NamespaceFacts("alice", Kind.PERSONAL, Visibility.PUBLIC, null);
    static final NamespaceFacts GLOBAL = NamespaceFacts.global();
    static final NamespaceFacts GHOST = NamespaceFacts.unknown("ghost");

    static Stream<Arguments> table() {
        return Stream.of(
                // subject, scope, namespace, granted, rule
                row(ALICE, "repository:alice/app:pull,push,delete", ALICE_NS_FOR_ALICE, "pull,push,delete", "owner of a personal namespace does everything"),
                row(ALICE, "repository:alice/app:*", ALICE_NS_FOR_ALICE, "*", "* comes back as * when everything is allowed"),
                row(BOB, "repository:alice/app:pull,push,delete", ALICE_NS_FOR_OTHERS, "", "others get nothing on a private personal namespace"),
                row(BOB, "repository:alice/app:*", ALICE_NS_FOR_OTHERS, "", "* for nothing allowed is nothing"),
                row(BOB, "repository:alice/app:pull,push", ALICE_NS_PROTECTED, "pull", "protected: signed-in users pull, never push"),
                row(ANON, "repository:alice/app:pull", ALICE_NS_PROTECTED, "", "protected: anonymous callers get nothing"),
                row(ANON, "repository:alice/app:pull,push", ALICE_NS_PUBLIC, "pull", "public: anyone pulls"),
                row(BOB, "repository:alice/app:*", ALICE_NS_PUBLIC, "pull", "* with only pull allowed is the concrete subset"),
                row(ANON, "repository:alice/app:pull", ALICE_NS_FOR_OTHERS, "", "anonymous gets nothing on private"),
                row(ADMIN, "repository:alice/app:pull,push,delete", ALICE_NS_FOR_OTHERS, "pull,push,delete", "admins do everything anywhere"),
                row(ADMIN, "repository:ghost/app:push", GHOST, "push", "admins even where no namespace exists"),
                row(ALICE, "repository:ghost/app:pull,push", GHOST, "", "unknown namespace: nothing"),
                row(ALICE, "repository:hello:pull,push,delete", GLOBAL, "pull", "global: signed-in users pull only"),
                row(ADMIN, "repository:hello:pull,push,delete", GLOBAL, "pull,push,delete", "global: admins push and delete"),
                row(ANON, "repository:hello:pull", GLOBAL, "", "global: anonymous callers get nothing"),
                row(ADMIN, "registry:catalog:*", null, "*", "catalog: admins"),
                row(ALICE, "registry:catalog:*", null, "", "catalog: nobody else"),
                row(ANON, "registry:catalog:*", null, "", "catalog: not anonymous callers"),
                row(ALICE, "repository:alice/app:pull,fly", ALICE_NS_FOR_ALICE, "pull", "unknown actions are never granted"),
                row(ADMIN, "repository:localhost:5000/alice/app:pull", ALICE_NS_FOR_ALICE, "", "a name with a host is not ours"));
    }

    static Arguments row(Subject subject, String scope, NamespaceFacts ns, String granted, String rule) {
        return Arguments.of(subject, scope, ns, granted, rule);
    }

    @ParameterizedTest(name = "{4}")
    @MethodSource("table")
    void decides(Subject subject, String scope, NamespaceFacts ns, String granted, String rule) {
        Decision decision = AccessPolicy.decide(subject, Scope.parse(scope), ns);
        Set<String> expected = granted.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(granted.split(",")));
        assertEquals(expected, decision.granted().actions(), rule);
        assertEquals(Scope.parse(scope).name(), decision.granted().name());
    }

    @Test
    void everyRequestedActionHasAReason() {
        Decision decision = AccessPolicy.decide(BOB, Scope.parse("repository:alice/app:pull,push"), ALICE_NS_PROTECTED);
        assertEquals(Set.of("pull", "push"), decision.reasons().keySet());
        assertFalse(decision.reasons().get("push").isBlank());
    }
}
