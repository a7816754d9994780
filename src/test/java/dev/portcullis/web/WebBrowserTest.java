package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryPortResource;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's Chromium) against the real registry (Debian's docker-registry) and a
 * real client (skopeo): an admin hands out access and watches a push arrive, a viewer sees no management
 * controls, anonymous visitors see only public repositories, a form without its CSRF token is refused.
 * Full-page screenshots of each main page land in {@code target/screenshots/}.
 */
@QuarkusTest
class WebBrowserTest {

    static final String SERVICE = "registry.test";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static Path work;
    static RegistryProcess registry;
    /** A team with a private namespace (the team's own) and a public one, each with one pushed repository. */
    static String sharedTeam;

    @BeforeEach
    void startRegistry() throws Exception {
        if (registry != null) {
            return; // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        }
        work = Files.createTempDirectory("portcullis-web");
        registry = GuardedRegistry.start(work, true, true, RegistryPortResource.port());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
            registry = null;
        }
    }

    static String base() {
        return "http://127.0.0.1:" + RestAssured.port;
    }

    static String unique(String prefix) {
        return prefix + System.nanoTime() % 100_000 + "n" + SEQUENCE.incrementAndGet();
    }

    static RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON);
    }

    @Test
    void anAdminHandsOutAccessAndWatchesAPushArrive() throws Exception {
        String team = unique("webteam");
        String namespace = unique("webns");
        String carol = TestUsers.create("carol");
        try (Browser b = Browser.start(base())) {
            b.signIn(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD);
            assertEquals("/", b.path());
            assertTrue(b.find("header").getText().contains(TestUsers.ADMIN));
            b.screenshot("01-dashboard");

            // A team, with the admin as its owner, and a member.
            b.open("/teams");
            b.type("form[action='/teams'] input[name=name]", team);
            b.submit("form[action='/teams'] button[type=submit]");
            assertEquals("/teams/" + team, b.path());
            String members = "form[action='/teams/" + team + "/members']";
            b.type(members + " input[name=username]", carol);
            // htmx fills the field's datalist with the names that match what was typed.
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> !d.findElements(
                    By.cssSelector("#member-candidates option[value='" + carol + "']")).isEmpty());
            new Select(b.find(members + " select[name=role]")).selectByValue("contributor");
            b.submit(members + " button[type=submit]");
            assertTrue(b.find("#members").getText().contains(carol), b::text);
            assertTrue(b.text().contains(carol + " added as contributor"), b::text);
            b.screenshot("02-team");

            // A namespace of that team.
            b.open("/namespaces");
            b.type("form[action='/namespaces'] input[name=name]", namespace);
            new Select(b.find("form[action='/namespaces'] select[name=team]")).selectByValue(team);
            b.submit("form[action='/namespaces'] button[type=submit]");
            assertEquals("/namespaces/" + namespace, b.path());
            assertTrue(b.text().contains("Belongs to team " + team), b::text);

            // A token, shown once with the docker login line; skopeo pushes with it through the real registry.
            b.open("/profile");
            b.type("form[action='/profile/tokens'] input[name=name]", "browser test");
            b.submit("form[action='/profile/tokens'] button[type=submit]");
            String token = b.find("#copy-token").getText().trim();
            assertTrue(token.startsWith("pcat_"), token);
            assertEquals("docker login " + SERVICE + " -u " + TestUsers.ADMIN, b.find("#copy-login").getText().trim());
            b.screenshot("03-profile-new-token");
            b.open("/profile");
            assertFalse(b.driver.getPageSource().contains(token), "the secret is shown once only");

            String repository = namespace + "/hello";
            String creds = TestUsers.ADMIN + ":" + token;
            Path image = OciImage.write(work.resolve("hello"), "1", "hello.txt",
                    ("hello " + namespace).getBytes(StandardCharsets.UTF_8));
            Path old = OciImage.write(work.resolve("old"), "old", "old.txt",
                    ("old " + namespace).getBytes(StandardCharsets.UTF_8));
            assertTrue(Skopeo.push(image, "1", registry.host() + "/" + repository + ":1", creds).ok());
            assertTrue(Skopeo.push(image, "1", registry.host() + "/" + repository + ":latest", creds).ok());
            Skopeo.Result pushOld = Skopeo.push(old, "old", registry.host() + "/" + repository + ":old", creds);
            assertTrue(pushOld.ok(), pushOld::toString);

            // The push shows on the dashboard (the registry notifies asynchronously).
            await(b, "/", page -> page.contains("pushed " + repository + ":1"));
            assertTrue(b.find("#feed").getText().contains(TestUsers.ADMIN + " pushed " + repository + ":1"));
            b.screenshot("04-dashboard-with-push");

            // The repository: tags grouped by image, sizes and platforms once fetched, a pull command per tag.
            await(b, "/repositories/" + repository, page -> page.contains("linux/amd64") && page.contains("old")
                    && !page.contains("details pending"));
            assertTrue(b.text().contains("docker pull " + SERVICE + "/" + repository + ":1"), b::text);
            assertEquals(2, b.all(".digest-group").size(), b::text);
            b.screenshot("05-repository");
            b.screenshot("05-repository-phone", 390);

            // Deleting a tag that alone names its image: a plain confirmation, then it is gone from the registry.
            b.find("a[href='/repositories/" + repository + "/-/delete-tag?tag=old']").click();
            assertTrue(b.path().contains("/-/delete-tag"));
            assertFalse(b.text().contains("Other tags name the same image"));
            b.submit("form[action='/repositories/" + repository + "/-/delete-tag'] button.danger");
            assertEquals("/repositories/" + repository, b.path());
            assertTrue(b.text().contains("Deleted image"), b::text);
            assertTrue(b.all(".tag-name").stream().map(WebElement::getText).noneMatch("old"::equals));
            assertFalse(Skopeo.inspect(registry.host() + "/" + repository + ":old", creds).ok());

            // A tag sharing its image with another: the confirmation names the other tag that would go too.
            b.open("/repositories/" + repository + "/-/delete-tag?tag=1");
            assertTrue(b.find(".warning").getText().contains("latest"), b::text);
            b.screenshot("06-delete-tag-warning");

            // The namespace: repositories and the owner's controls; switch it to public.
            b.open("/namespaces/" + namespace);
            assertTrue(b.find("#repositories").getText().contains(repository));
            new Select(b.find("#visibility")).selectByValue("public");
            b.submit("form[action='/namespaces/" + namespace + "/visibility'] button[type=submit]");
            assertTrue(b.find("h1").getText().contains("public"), b::text);
            b.screenshot("07-namespace");

            // Why? carol, a contributor, may pull and push but not delete.
            b.open("/why?account=" + carol + "&repository=" + repository);
            String why = b.find("#why").getText();
            assertTrue(why.contains("pull yes") && why.contains("push yes") && why.contains("delete no"), why);
            b.screenshot("08-why");

            b.open("/admin");
            assertTrue(b.find("#users").getText().contains(carol));
            assertTrue(b.find("#registry-status").getText().contains("yes"), b::text);
            b.screenshot("09-admin");

            b.open("/explore?q=" + namespace);
            assertTrue(b.find("#repositories").getText().contains(repository));
            b.screenshot("10-explore");

            b.open("/");
            b.screenshot("11-dashboard-phone", 390);

            // Signing out ends the session in this browser.
            b.submit("form[action='/logout'] button[type=submit]");
            assertTrue(b.path().startsWith("/login"), b.path());
            assertTrue(b.text().contains("You are signed out"));
            b.screenshot("12-signed-out");
            b.open("/teams");
            assertTrue(b.path().startsWith("/login"), b.path());
        }
    }

    @Test
    void aViewerSeesNoManagementControls() throws Exception {
        String team = sharedTeam();
        String viewer = TestUsers.create("viewer");
        asAdmin().body(Map.of("username", viewer, "role", "viewer")).post("/api/v1/teams/{team}/members", team)
                .then().statusCode(201);
        try (Browser b = Browser.start(base())) {
            // A page asked for before signing in is the page shown after.
            b.open("/teams/" + team);
            assertTrue(b.path().startsWith("/login"), b.path());
            b.type("#j_username", viewer);
            b.type("#j_password", TestUsers.PASSWORD);
            b.submit("form[action='/j_security_check'] button[type=submit]");
            assertEquals("/teams/" + team, b.path());
            assertFalse(b.driver.getPageSource().contains("href=\"/admin\""), "no admin link for a non-admin");

            assertTrue(b.find("#members").getText().contains(viewer));
            assertTrue(b.all("form[action$='/members']").isEmpty(), "no member form");
            assertTrue(b.all("#members select").isEmpty(), "no role changes");
            assertTrue(b.all("a[href$='/delete']").isEmpty(), "no team deletion");
            b.screenshot("20-team-as-viewer");

            b.open("/namespaces/" + team);
            assertTrue(b.all("#manage-h").isEmpty(), "no namespace controls");
            assertTrue(b.all("form[action^='/namespaces/']").isEmpty());

            b.open("/repositories/" + team + "/app");
            assertTrue(b.text().contains("docker pull"), b::text);
            assertTrue(b.all("a[href*='/-/delete']").isEmpty(), "no deletes for a viewer");
            assertTrue(b.all("form[action$='/-/description']").isEmpty(), "no description edits");
            b.screenshot("21-repository-as-viewer");

            b.open("/admin");
            assertTrue(b.text().contains("Forbidden"), b::text);
            b.screenshot("22-forbidden");

            // Why? asks about oneself only.
            b.open("/why?repository=" + team + "/app");
            assertTrue(b.all("input[name=account][type=hidden]").size() == 1);
            assertTrue(b.find("#why").getText().contains("push no"), b::text);
        }
    }

    @Test
    void anonymousExploreShowsOnlyPublicRepositories() throws Exception {
        String team = sharedTeam();
        try (Browser b = Browser.start(base())) {
            b.open("/explore?q=" + team);
            String listed = b.find("#repositories").getText();
            assertTrue(listed.contains(team + "-pub/app"), listed);
            assertFalse(listed.contains(team + "/app"), listed);
            assertTrue(b.all("form[action='/logout']").isEmpty());
            b.screenshot("30-explore-anonymous");

            b.open("/repositories/" + team + "-pub/app");
            assertTrue(b.text().contains("docker pull " + SERVICE + "/" + team + "-pub/app:1"), b::text);
            assertTrue(b.all("form[action$='/-/star']").isEmpty(), "anonymous visitors do not star");

            b.open("/repositories/" + team + "/app");
            assertTrue(b.text().contains("Not found"), b::text);
            b.screenshot("31-not-found");

            b.open("/");
            assertTrue(b.path().startsWith("/login"), b.path());
            b.screenshot("32-sign-in");
        }
    }

    @Test
    void aFormPostWithoutItsCsrfTokenIsRefused() throws Exception {
        String user = TestUsers.create("csrf");
        String team = unique("csrfteam");
        try (Browser b = Browser.start(base())) {
            b.signIn(user, TestUsers.PASSWORD);
            b.open("/teams");
            ((JavascriptExecutor) b.driver).executeScript(
                    "document.querySelector(\"form[action='/teams'] input[name='csrf-token']\").remove();");
            b.type("form[action='/teams'] input[name=name]", team);
            b.submit("form[action='/teams'] button[type=submit]");
            assertTrue(b.text().contains("CSRF token"), b::text);
            b.screenshot("40-csrf-refused");
        }
        asAdmin().get("/api/v1/teams/{team}", team).then().statusCode(404);
    }

    /** Created once: a team (its own namespace is private), a public namespace beside it, one image in each. */
    static synchronized String sharedTeam() throws Exception {
        if (sharedTeam != null) {
            return sharedTeam;
        }
        String team = unique("shared");
        asAdmin().body(Map.of("name", team)).post("/api/v1/teams").then().statusCode(201);
        asAdmin().body(Map.of("name", team + "-pub", "team", team, "visibility", "public"))
                .post("/api/v1/namespaces").then().statusCode(201);
        Path image = OciImage.write(work.resolve(team), "1", "app.txt", team.getBytes(StandardCharsets.UTF_8));
        String creds = TestUsers.ADMIN + ":" + TestUsers.ADMIN_PASSWORD;
        for (String repository : List.of(team + "/app", team + "-pub/app")) {
            Skopeo.Result push = Skopeo.push(image, "1", registry.host() + "/" + repository + ":1", creds);
            assertTrue(push.ok(), push::toString);
        }
        for (String repository : List.of(team + "/app", team + "-pub/app")) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (asAdmin().get("/api/v1/repositories/" + repository).statusCode() != 200
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(250);
            }
            asAdmin().get("/api/v1/repositories/" + repository).then().statusCode(200);
        }
        sharedTeam = team;
        return team;
    }

    /** Reloads a page until it shows what the registry's asynchronous notifications lead to (bounded). */
    static void await(Browser b, String path, Predicate<String> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        b.open(path);
        while (!condition.test(b.text()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            b.open(path);
        }
        assertTrue(condition.test(b.text()), () -> "gave up waiting on " + path + ":\n" + b.text()
                + "\nregistry log:\n" + registry.log());
    }
}
