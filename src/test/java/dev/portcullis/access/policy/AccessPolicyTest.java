package dev.portcullis.access.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.policy.NamespaceFacts.Kind;
import dev.portcullis.access.policy.Subject.TokenRestriction;
import dev.portcullis.config.PolicySettings;
import dev.portcullis.config.PolicySettings.PushPolicy;
import dev.portcullis.config.PolicySettings.Who;
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
    static final Subject DISABLED = new Subject("carol", false, false, false, TokenRestriction.NONE);
    static final Subject DISABLED_ADMIN = new Subject("old", true, false, false, TokenRestriction.NONE);
    static final Subject BOT = new Subject("ci", false, true, true, TokenRestriction.NONE);
    static final Subject BOT_READ_ONLY = BOT.restrictedTo(new TokenRestriction(true, Set.of()));
    static final Subject ALICE_ONLY_DEVS = ALICE.restrictedTo(new TokenRestriction(false, Set.of("devs")));
    static final Subject ADMIN_READ_ONLY = ADMIN.restrictedTo(new TokenRestriction(true, Set.of()));
    static final Subject ADMIN_ONLY_DEVS = ADMIN.restrictedTo(new TokenRestriction(false, Set.of("devs")));

    static NamespaceFacts personal(Visibility v, Role role) {
        return new NamespaceFacts("alice", Kind.PERSONAL, v, null, role);
    }

    static NamespaceFacts team(Visibility v, Role role) {
        return new NamespaceFacts("devs", Kind.TEAM, v, "devs", role);
    }

    static final NamespaceFacts MINE = personal(Visibility.PRIVATE, Role.OWNER);
    static final NamespaceFacts ALICES = personal(Visibility.PRIVATE, null);
    static final NamespaceFacts GLOBAL = NamespaceFacts.global();
    static final NamespaceFacts GLOBAL_PUBLIC = NamespaceFacts.global(Visibility.PUBLIC);
    static final NamespaceFacts GHOST = NamespaceFacts.unknown("ghost");

    static final PolicySettings DEFAULTS = PolicySettings.DEFAULTS;
    static final PolicySettings NO_ANONYMOUS = new PolicySettings(false, PushPolicy.ALLOW_TEAMS, false, Who.EVERYONE, Who.OWNERS, Who.OWNERS);
    static final PolicySettings PERSONAL_ONLY = new PolicySettings(true, PushPolicy.ALLOW_PERSONAL, false, Who.EVERYONE, Who.OWNERS, Who.OWNERS);
    static final PolicySettings ADMIN_ONLY = new PolicySettings(true, PushPolicy.ADMIN_ONLY, false, Who.EVERYONE, Who.OWNERS, Who.OWNERS);
    static final PolicySettings CONTRIBUTORS_DELETE = new PolicySettings(true, PushPolicy.ALLOW_TEAMS, true, Who.EVERYONE, Who.OWNERS, Who.OWNERS);

    static Stream<Arguments> table() {
        return Stream.of(
                // personal namespaces
                row(ALICE, "repository:alice/app:pull,push,delete", MINE, DEFAULTS, "pull,push,delete", "the owner of a personal namespace does everything there"),
                row(ALICE, "repository:alice/app:*", MINE, DEFAULTS, "*", "* comes back as * when every action is allowed"),
                row(BOB, "repository:alice/app:pull,push,delete", ALICES, DEFAULTS, "", "others get nothing on a private personal namespace"),
                row(BOB, "repository:alice/app:*", ALICES, DEFAULTS, "", "* for nothing allowed is nothing"),
                row(BOB, "repository:alice/app:pull,push", personal(Visibility.PROTECTED, null), DEFAULTS, "pull", "protected: every signed-in user pulls, never pushes"),
                row(ALICE, "repository:alice/app:push", MINE, PERSONAL_ONLY, "push", "allow-personal: users push to their personal namespace"),
                // team namespaces
                row(ALICE, "repository:devs/app:pull,push,delete", team(Visibility.PRIVATE, Role.OWNER), DEFAULTS, "pull,push,delete", "team owners pull, push and delete"),
                row(ALICE, "repository:devs/app:pull,push,delete", team(Visibility.PRIVATE, Role.CONTRIBUTOR), DEFAULTS, "pull,push", "contributors pull and push, not delete"),
                row(ALICE, "repository:devs/app:delete", team(Visibility.PRIVATE, Role.CONTRIBUTOR), CONTRIBUTORS_DELETE, "delete", "contributors delete when portcullis.delete.contributors is on"),
                row(ALICE, "repository:devs/app:pull,push,delete", team(Visibility.PRIVATE, Role.VIEWER), DEFAULTS, "pull", "viewers pull only"),
                row(BOB, "repository:devs/app:pull", team(Visibility.PRIVATE, null), DEFAULTS, "", "non-members get nothing on a private team namespace"),
                row(BOB, "repository:devs/app:pull,push", team(Visibility.PROTECTED, null), DEFAULTS, "pull", "non-members pull from a protected team namespace"),
                row(ANON, "repository:devs/app:pull", team(Visibility.PROTECTED, null), DEFAULTS, "", "protected: anonymous callers get nothing"),
                row(ANON, "repository:devs/app:pull,push", team(Visibility.PUBLIC, null), DEFAULTS, "pull", "public: anyone pulls, anonymous callers too"),
                row(ANON, "repository:devs/app:pull", team(Visibility.PUBLIC, null), NO_ANONYMOUS, "", "public, but anonymous pulls are switched off"),
                row(BOB, "repository:devs/app:pull", team(Visibility.PUBLIC, null), NO_ANONYMOUS, "pull", "switching anonymous pulls off leaves signed-in users alone"),
                row(BOB, "repository:devs/app:*", team(Visibility.PUBLIC, null), DEFAULTS, "pull", "* with only pull allowed is the concrete subset"),
                row(ALICE, "repository:devs/app:push", team(Visibility.PRIVATE, Role.OWNER), PERSONAL_ONLY, "", "allow-personal: no pushes to team namespaces"),
                row(ALICE, "repository:alice/app:push", MINE, ADMIN_ONLY, "", "admin-only: users never push"),
                row(ADMIN, "repository:devs/app:push", team(Visibility.PRIVATE, null), ADMIN_ONLY, "push", "admin-only: admins push"),
                // global and unknown namespaces, admins, anonymous
                row(ALICE, "repository:hello:pull,push,delete", GLOBAL, DEFAULTS, "pull", "global: signed-in users pull only"),
                row(ADMIN, "repository:hello:pull,push,delete", GLOBAL, DEFAULTS, "pull,push,delete", "global: admins push and delete"),
                row(ANON, "repository:hello:pull", GLOBAL, DEFAULTS, "", "global: anonymous callers get nothing while it is protected"),
                row(ANON, "repository:hello:pull", GLOBAL_PUBLIC, DEFAULTS, "pull", "global: anonymous callers pull once it is public"),
                row(ADMIN, "repository:alice/app:pull,push,delete", ALICES, DEFAULTS, "pull,push,delete", "admins do everything anywhere"),
                row(ADMIN, "repository:ghost/app:push", GHOST, DEFAULTS, "push", "admins even where no namespace exists"),
                row(ALICE, "repository:ghost/app:pull,push", GHOST, DEFAULTS, "", "an unknown namespace: nothing"),
                row(ANON, "repository:alice/app:pull", ALICES, DEFAULTS, "", "anonymous callers get nothing on private"),
                row(ALICE, "repository:alice/app:pull,fly", MINE, DEFAULTS, "pull", "unknown actions are never granted"),
                row(ADMIN, "repository:localhost:5000/alice/app:pull", MINE, DEFAULTS, "", "a name with a host is not ours"),
                // the catalog
                row(ADMIN, "registry:catalog:*", null, DEFAULTS, "*", "catalog: admins"),
                row(ALICE, "registry:catalog:*", null, DEFAULTS, "", "catalog: nobody else"),
                row(ANON, "registry:catalog:*", null, DEFAULTS, "", "catalog: not anonymous callers"),
                row(ADMIN_READ_ONLY, "registry:catalog:*", null, DEFAULTS, "*", "catalog: an admin's read-only token may list"),
                row(ADMIN_ONLY_DEVS, "registry:catalog:*", null, DEFAULTS, "", "catalog: not a token limited to namespaces"),
                // disabled accounts, bots, tokens with narrower scopes
                row(DISABLED, "repository:alice/app:pull,push", personal(Visibility.PUBLIC, Role.OWNER), DEFAULTS, "", "disabled users get nothing, even on public namespaces"),
                row(DISABLED_ADMIN, "registry:catalog:*", null, DEFAULTS, "", "a disabled admin gets nothing"),
                row(BOT, "repository:devs/app:pull,push", team(Visibility.PRIVATE, Role.CONTRIBUTOR), DEFAULTS, "pull,push", "bots have the rights of their team roles"),
                row(BOT_READ_ONLY, "repository:devs/app:pull,push", team(Visibility.PRIVATE, Role.CONTRIBUTOR), DEFAULTS, "pull", "a read-only token pulls, whatever its owner may do"),
                row(ADMIN_READ_ONLY, "repository:devs/app:pull,push,delete", team(Visibility.PRIVATE, null), DEFAULTS, "pull", "a read-only token narrows an admin too"),
                row(ALICE_ONLY_DEVS, "repository:devs/app:pull,push", team(Visibility.PRIVATE, Role.OWNER), DEFAULTS, "pull,push", "a token limited to namespaces works inside them"),
                row(ALICE_ONLY_DEVS, "repository:alice/app:pull,push", MINE, DEFAULTS, "", "and nowhere else"),
                row(ALICE_ONLY_DEVS, "repository:devs/app:pull", team(Visibility.PRIVATE, null), DEFAULTS, "", "a token never widens its owner's rights"));
    }

    static Arguments row(Subject subject, String scope, NamespaceFacts ns, PolicySettings settings, String granted, String rule) {
        return Arguments.of(subject, scope, ns, settings, granted, rule);
    }

    @ParameterizedTest(name = "{5}")
    @MethodSource("table")
    void decides(Subject subject, String scope, NamespaceFacts ns, PolicySettings settings, String granted, String rule) {
        Decision decision = AccessPolicy.decide(subject, Scope.parse(scope), ns, settings);
        Set<String> expected = granted.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(granted.split(",")));
        assertEquals(expected, decision.granted().actions(), rule);
        assertEquals(Scope.parse(scope).name(), decision.granted().name());
    }

    @Test
    void reasonsExplainTheRuleInWords() {
        Decision decision = AccessPolicy.decide(BOB, Scope.parse("repository:devs/app:pull,push"),
                new NamespaceFacts("devs", Kind.TEAM, Visibility.PRIVATE, "devs", Role.VIEWER), DEFAULTS);
        assertEquals(Set.of("pull", "push"), decision.reasons().keySet());
        assertEquals("bob is a viewer of team 'devs': viewers may pull, not push", decision.reasons().get("push"));
        assertTrue(decision.reasons().get("pull").contains("members may pull"));
        Decision restricted = AccessPolicy.decide(BOT_READ_ONLY, Scope.parse("repository:devs/app:push"),
                team(Visibility.PRIVATE, Role.CONTRIBUTOR), DEFAULTS);
        assertTrue(restricted.reasons().get("push").endsWith("but this token is read-only"));
    }

    @Test
    void managementFollowsTheSameFacts() {
        assertTrue(ManagementPolicy.mayManageTeam(ALICE, Role.OWNER));
        assertEquals(false, ManagementPolicy.mayManageTeam(ALICE, Role.CONTRIBUTOR));
        assertEquals(false, ManagementPolicy.mayCreateTeam(ALICE, new PolicySettings(true, PushPolicy.ALLOW_TEAMS, false, Who.ADMINS, Who.OWNERS, Who.OWNERS)));
        assertTrue(ManagementPolicy.mayCreateTeam(ADMIN, new PolicySettings(true, PushPolicy.ALLOW_TEAMS, false, Who.ADMINS, Who.OWNERS, Who.OWNERS)));
        assertEquals(false, ManagementPolicy.mayChangeVisibility(ALICE, team(Visibility.PRIVATE, Role.OWNER),
                new PolicySettings(true, PushPolicy.ALLOW_TEAMS, false, Who.EVERYONE, Who.OWNERS, Who.ADMINS)));
        assertTrue(ManagementPolicy.mayChangeVisibility(ALICE, team(Visibility.PRIVATE, Role.OWNER), DEFAULTS));
        assertEquals(false, ManagementPolicy.mayEditNamespace(ALICE, GLOBAL));
        assertEquals(false, ManagementPolicy.mayManageUser(ALICE_ONLY_DEVS, "alice"));
        assertEquals(false, ManagementPolicy.mayManageUser(BOB, "alice"));
        assertTrue(ManagementPolicy.mayViewUser(ADMIN, "alice"));
        assertTrue(ManagementPolicy.maySeeNamespace(BOB, team(Visibility.PROTECTED, null), DEFAULTS));
        assertEquals(false, ManagementPolicy.maySeeNamespace(BOB, team(Visibility.PRIVATE, null), DEFAULTS));
    }
}
