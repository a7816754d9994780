package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access model against the real thing: teams, roles, namespace visibility, bots with read-only application
 * tokens, revoked tokens and disabled users, each checked with skopeo through Debian's docker-registry
 * (distribution 2.8) with token auth pointing at Portcullis and notifications pointing at its sink.
 */
@QuarkusTest
class AccessEndToEndTest {

    /** What a refusal looks like in skopeo's output: the registry's 401, or the token endpoint's 401 or 403. */
    private static final Pattern REFUSED = Pattern.compile(
            "(?i)unauthori[sz]ed|denied|forbidden|authentication required|\\b401\\b|\\b403\\b");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static Path work;
    static RegistryProcess registry;

    @BeforeEach
    void startRegistry() throws Exception {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (registry != null) {
            return;
        }
        work = Files.createTempDirectory("portcullis-access-e2e");
        registry = GuardedRegistry.start(work);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void teamsVisibilityTokensAndDisabledUsersAreEnforcedByTheRegistry() throws Exception {
        String owner = TestUsers.create("owner");
        String contributor = TestUsers.create("contrib");
        String viewer = TestUsers.create("viewer");
        String outsider = TestUsers.create("outsider");
        String team = unique("team");
        String repo = team + "/app";
        Path image = work.resolve("image");
        OciImage.write(image, "1", "app.txt", ("app 1 of " + team).getBytes(StandardCharsets.UTF_8));
        OciImage.write(image, "2", "app.txt", ("app 2 of " + team).getBytes(StandardCharsets.UTF_8));
        String ref1 = registry.host() + "/" + repo + ":1";
        String ref2 = registry.host() + "/" + repo + ":2";

        // 1. An owner creates a team; its namespace of the same name comes with it, private.
        as(owner).body(Map.of("name", team, "description", "end-to-end team")).post("/api/v1/teams")
                .then().statusCode(201);
        Map<String, Object> namespace = as(owner).get("/api/v1/namespaces/" + team)
                .then().statusCode(200).extract().jsonPath().getMap("");
        assertEquals("team", namespace.get("kind"), () -> "namespace " + namespace);
        assertEquals(team, namespace.get("team"), () -> "namespace " + namespace);
        assertEquals("private", namespace.get("visibility"), () -> "namespace " + namespace);
        assertEquals("owner", namespace.get("role"), () -> "namespace " + namespace);

        // 2. The owner adds a contributor and a viewer.
        addMember(owner, team, contributor, "contributor");
        addMember(owner, team, viewer, "viewer");

        // 3. The contributor pushes <team>/app:1.
        pushOk("a contributor pushes to the team namespace", image, "1", ref1, password(contributor));

        // 4. The viewer may pull, and is refused push.
        pullOk("a viewer pulls from the team namespace", ref1, password(viewer), OciImage.manifestDigest(image, "1"));
        pushRefused("a viewer may not push", image, "1", registry.host() + "/" + repo + ":viewer", password(viewer));

        // 5. An admin creates a bot, adds it to the team as contributor and gives it a read-only token:
        //    it pulls (the namespace is still private: membership and token did it) and cannot push.
        String bot = unique("bot");
        asAdmin().body(Map.of("username", bot, "bot", true)).post("/api/v1/users")
                .then().statusCode(201);
        addMember(TestUsers.ADMIN, team, bot, "contributor");
        String botToken = asAdmin().body(Map.of("name", "ci", "readOnly", true))
                .post("/api/v1/users/" + bot + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        pullOk("a bot's read-only token pulls", ref1, bot + ":" + botToken, OciImage.manifestDigest(image, "1"));
        pushRefused("a bot's read-only token may not push, although the bot is a contributor", image, "1",
                registry.host() + "/" + repo + ":bot", bot + ":" + botToken);
        List<Object> lastUsed = asAdmin().get("/api/v1/users/" + bot + "/application-tokens")
                .then().statusCode(200).extract().path("items.lastUsedAt");
        assertEquals(1, lastUsed.size(), () -> "tokens of " + bot + ", last used: " + lastUsed);
        assertNotNull(lastUsed.get(0), "the token server records the bot token's last use");

        // 6. The contributor's own full application token pushes; once revoked, the same credentials fail.
        Map<String, Object> created = as(contributor).body(Map.of("name", "laptop"))
                .post("/api/v1/users/" + contributor + "/application-tokens")
                .then().statusCode(201).extract().jsonPath().getMap("");
        String contributorToken = contributor + ":" + created.get("token");
        pushOk("a contributor's full application token pushes", image, "2", ref2, contributorToken);
        as(contributor).delete("/api/v1/users/" + contributor + "/application-tokens/" + created.get("id"))
                .then().statusCode(204);
        pushRefused("a revoked token may not push", image, "2", registry.host() + "/" + repo + ":revoked",
                contributorToken);
        pullRefused("a revoked token may not pull", ref1, contributorToken);

        // 7. Private: a signed-in non-member and anonymous callers are refused pull.
        pullRefused("a non-member may not pull from a private namespace", ref1, password(outsider));
        pullRefused("anonymous callers may not pull from a private namespace", ref1, null);

        // 8. Protected: every signed-in user pulls (but does not push); anonymous callers still may not.
        setVisibility(owner, team, "protected");
        pullOk("a non-member pulls from a protected namespace", ref1, password(outsider),
                OciImage.manifestDigest(image, "1"));
        pushRefused("a non-member may not push to a protected namespace", image, "1",
                registry.host() + "/" + repo + ":outsider", password(outsider));
        pullRefused("anonymous callers may not pull from a protected namespace", ref1, null);

        // 9. Public: anonymous callers pull too, and still never push.
        setVisibility(owner, team, "public");
        pullOk("anonymous callers pull from a public namespace", ref2, null, OciImage.manifestDigest(image, "2"));
        pushRefused("anonymous callers never push", image, "1", registry.host() + "/" + repo + ":anonymous", null);

        // 10. An admin disables the viewer: their password and their tokens stop working, even where anonymous
        //     pulls work.
        String viewerToken = viewer + ":" + as(viewer).body(Map.of("name", "desktop"))
                .post("/api/v1/users/" + viewer + "/application-tokens")
                .then().statusCode(201).extract().path("token");
        pullOk("a viewer's token pulls", ref1, viewerToken, OciImage.manifestDigest(image, "1"));
        Map<String, Object> disabled = asAdmin().body(Map.of("enabled", false)).patch("/api/v1/users/" + viewer)
                .then().statusCode(200).extract().jsonPath().getMap("");
        assertEquals(false, disabled.get("enabled"), () -> "user after PATCH " + disabled);
        pullRefused("a disabled user may not pull, even from a public namespace", ref1, password(viewer));
        pushRefused("a disabled user may not push", image, "1", registry.host() + "/" + repo + ":disabled",
                password(viewer));
        pullRefused("a disabled user's application token may not pull either", ref1, viewerToken);

        // 11. Each successful push is in the feed exactly once (the registry notifies asynchronously).
        List<Map<String, Object>> pushes = awaitPushes(repo, 2);
        assertEquals(List.of("1", "2"), pushes.stream().map(p -> (String) p.get("tag")).sorted().toList(),
                () -> "push activities of " + repo + ": " + pushes + "\nregistry log:\n" + registry.log());
        for (Map<String, Object> push : pushes) {
            assertEquals(contributor, push.get("actor"), () -> "push activity " + push);
            assertEquals(team, push.get("namespace"), () -> "push activity " + push);
            assertEquals(OciImage.manifestDigest(image, (String) push.get("tag")), push.get("digest"),
                    () -> "push activity " + push);
        }
        // Members see the activities of their team's namespace too.
        List<Map<String, Object>> ownerSees = feed(as(owner).queryParam("repository", repo)
                .queryParam("action", "push"));
        assertEquals(2, ownerSees.size(), () -> "the team's owner sees its pushes: " + ownerSees);

        // 12. So are the access changes: who changed what.
        assertEquals(List.of(owner),
                actorsOf(accessChanges("team.create", a -> team.equals(a.get("team")))),
                "team.create of " + team);
        assertEquals(Map.of(contributor, "contributor", viewer, "viewer", bot, "contributor"),
                accessChanges("member.add", a -> team.equals(a.get("team"))).stream()
                        .collect(Collectors.toMap(a -> (String) a.get("user"), a -> (String) a.get("detail"))),
                "member.add in " + team);
        List<Map<String, Object>> namespaceUpdates = accessChanges("namespace.update",
                a -> team.equals(a.get("namespace")));
        assertEquals(Set.of("visibility=protected", "visibility=public"),
                namespaceUpdates.stream().map(a -> (String) a.get("detail")).collect(Collectors.toSet()),
                () -> "namespace.update of " + team + ": " + namespaceUpdates);
        assertEquals(List.of(owner, owner), actorsOf(namespaceUpdates), "namespace.update of " + team);
        List<Map<String, Object>> revoked = accessChanges("token.revoke", a -> contributor.equals(a.get("user")));
        assertEquals(List.of(contributor), actorsOf(revoked), () -> "token.revoke of " + contributor + ": " + revoked);
        assertEquals("laptop", revoked.get(0).get("detail"), () -> "token.revoke of " + contributor + ": " + revoked);
        List<Map<String, Object>> updated = accessChanges("user.update", a -> viewer.equals(a.get("user")));
        assertEquals(List.of(TestUsers.ADMIN), actorsOf(updated), () -> "user.update of " + viewer + ": " + updated);
        assertEquals("enabled", updated.get(0).get("detail"), () -> "user.update of " + viewer + ": " + updated);
        assertEquals(1, accessChanges("bot.create", a -> bot.equals(a.get("user"))).size(), "bot.create of " + bot);
        assertEquals(List.of("ci"), accessChanges("token.create", a -> bot.equals(a.get("user"))).stream()
                .map(a -> a.get("detail")).toList(), "token.create for " + bot);
    }

    // --- skopeo through the registry: every call is an assertion ---

    static void pushOk(String why, Path image, String tag, String ref, String creds) {
        Skopeo.Result r = Skopeo.push(image, tag, ref, creds);
        assertTrue(r.ok(), () -> why + ", but skopeo failed: " + r + "\nregistry log:\n" + registry.log());
    }

    static void pushRefused(String why, Path image, String tag, String ref, String creds) {
        Skopeo.Result r = Skopeo.push(image, tag, ref, creds);
        assertFalse(r.ok(), () -> why + ", but skopeo pushed: " + r);
        assertTrue(REFUSED.matcher(r.errors()).find(),
                () -> why + ": skopeo failed, but not with an authorisation error: " + r + "\nregistry log:\n"
                        + registry.log());
    }

    static void pullOk(String why, String ref, String creds, String expectedDigest) {
        Path out = work.resolve("pull-" + SEQUENCE.incrementAndGet());
        Skopeo.Result r = Skopeo.pull(ref, out, creds);
        assertTrue(r.ok(), () -> why + ", but skopeo failed: " + r + "\nregistry log:\n" + registry.log());
        assertEquals(expectedDigest, OciImage.manifestDigest(out, "latest"), why + ": the image pulled from " + ref);
    }

    static void pullRefused(String why, String ref, String creds) {
        Skopeo.Result r = Skopeo.pull(ref, work.resolve("pull-" + SEQUENCE.incrementAndGet()), creds);
        assertFalse(r.ok(), () -> why + ", but skopeo pulled: " + r);
        assertTrue(REFUSED.matcher(r.errors()).find(),
                () -> why + ": skopeo failed, but not with an authorisation error: " + r + "\nregistry log:\n"
                        + registry.log());
    }

    // --- the JSON API ---

    static RequestSpecification as(String user) {
        String pw = user.equals(TestUsers.ADMIN) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD;
        return given().auth().preemptive().basic(user, pw).contentType(ContentType.JSON);
    }

    static RequestSpecification asAdmin() {
        return as(TestUsers.ADMIN);
    }

    static String password(String user) {
        return user + ":" + TestUsers.PASSWORD;
    }

    static String unique(String prefix) {
        return prefix + System.nanoTime() % 100_000 + "x" + SEQUENCE.incrementAndGet();
    }

    static void addMember(String actor, String team, String user, String role) {
        as(actor).body(Map.of("username", user, "role", role)).post("/api/v1/teams/" + team + "/members")
                .then().statusCode(201);
    }

    static void setVisibility(String actor, String namespace, String visibility) {
        String now = as(actor).body(Map.of("visibility", visibility)).patch("/api/v1/namespaces/" + namespace)
                .then().statusCode(200).extract().path("visibility");
        assertEquals(visibility, now, "visibility of " + namespace + " after PATCH");
    }

    static List<Map<String, Object>> feed(RequestSpecification request) {
        return request.accept(ContentType.JSON).queryParam("limit", 200).get("/api/v1/activities")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** The admin's feed of one access-change action, narrowed to the entries this test made. */
    static List<Map<String, Object>> accessChanges(String action, Predicate<Map<String, Object>> mine) {
        return feed(asAdmin().queryParam("action", action)).stream().filter(mine).toList();
    }

    static List<Object> actorsOf(List<Map<String, Object>> activities) {
        return activities.stream().map(a -> a.get("actor")).toList();
    }

    /** Waits, bounded, until the feed holds {@code expected} pushes of {@code repository}, then returns them. */
    static List<Map<String, Object>> awaitPushes(String repository, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<Map<String, Object>> pushes;
        while ((pushes = feed(asAdmin().queryParam("repository", repository).queryParam("action", "push"))).size()
                < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        List<Map<String, Object>> seen = pushes;
        assertEquals(expected, seen.size(), () -> "push activities of " + repository + ": " + seen
                + "\nregistry log:\n" + registry.log());
        return seen;
    }
}
