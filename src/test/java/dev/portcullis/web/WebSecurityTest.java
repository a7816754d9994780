package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The web UI's security around the pages: sign-in through the API's identity provider, the session cookie's
 * flags, CSRF on forms, security headers, error pages, and an API whose answers the UI does not change.
 */
@QuarkusTest
class WebSecurityTest {

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        for (String path : new String[] {"/login", "/explore", "/static/app.css", "/no-such-page"}) {
            given().redirects().follow(false).get(path).then()
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                    .header("X-Frame-Options", "DENY")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "same-origin");
        }
    }

    @Test
    void theApiStillAnswersWithProblemsAndABasicChallengeNeverARedirect() {
        given().redirects().follow(false).get("/api/v1/users").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"))
                .header("Location", nullValue());
        given().redirects().follow(false).get("/api/v1/teams").then().statusCode(401).header("Location", nullValue());
        given().redirects().follow(false).get("/api/v1/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void anonymousVisitorsAreSentToSignInAndComeBackAfterwards() {
        Response answer = given().redirects().follow(false).get("/teams");
        answer.then().statusCode(303).header("Location", containsString("/login"));
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        session.get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("Dashboard")).body(containsString(user));
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSite() {
        String user = TestUsers.create("web");
        Response answer = WebSession.signInForm()
                .formParam("j_username", user).formParam("j_password", TestUsers.PASSWORD)
                .post("/j_security_check");
        Cookie cookie = answer.getDetailedCookie(WebSession.SESSION);
        assertTrue(cookie.isHttpOnly(), cookie::toString);
        assertEquals("Lax", cookie.getSameSite(), cookie::toString);
        assertEquals("/", answer.then().extract().header("Location").replaceFirst("^https?://[^/]+", ""));
    }

    @Test
    void aWrongPasswordOrATokenDoesNotSignIn() {
        String user = TestUsers.create("web");
        Response wrong = WebSession.signInForm().formParam("j_username", user)
                .formParam("j_password", "wrong-password").post("/j_security_check");
        wrong.then().statusCode(303).header("Location", containsString("/login?error=true"));
        assertNull(wrong.getCookie(WebSession.SESSION));
        String token = given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                .contentType("application/json").body("{\"name\":\"cli\"}")
                .post("/api/v1/users/{user}/application-tokens", user).then().statusCode(201).extract().path("token");
        // A token signs in to the registry and the API, never to a session that would outlive its revocation.
        Response withToken = WebSession.signInForm().formParam("j_username", user)
                .formParam("j_password", token).post("/j_security_check");
        withToken.then().statusCode(303).header("Location", containsString("/login?error=true"));
        assertNull(withToken.getCookie(WebSession.SESSION));
    }

    @Test
    void aSignInPostWithoutItsCsrfTokenIsRefusedBeforeThePasswordIsChecked() {
        String user = TestUsers.create("web");
        // Another site's form: no CSRF cookie, no field.
        Response forged = given().redirects().follow(false).formParam("j_username", user)
                .formParam("j_password", TestUsers.PASSWORD).post("/j_security_check");
        forged.then().statusCode(403).contentType(containsString("text/html")).body(containsString("CSRF token"));
        assertNull(forged.getCookie(WebSession.SESSION));
        // The browser sends the cookie along with a cross-site post, but the other site cannot copy it into the field.
        String cookie = given().get("/login").then().statusCode(200).extract().cookie(WebSession.CSRF);
        assertTrue(cookie != null && !cookie.isEmpty(), "the sign-in page sets the CSRF cookie");
        Response withoutField = given().redirects().follow(false).cookie(WebSession.CSRF, cookie)
                .formParam("j_username", user).formParam("j_password", TestUsers.PASSWORD).post("/j_security_check");
        withoutField.then().statusCode(403);
        assertNull(withoutField.getCookie(WebSession.SESSION));
        Response wrongField = given().redirects().follow(false).cookie(WebSession.CSRF, cookie)
                .formParam("csrf-token", cookie.substring(1) + "A")
                .formParam("j_username", user).formParam("j_password", TestUsers.PASSWORD).post("/j_security_check");
        wrongField.then().statusCode(403);
        assertNull(wrongField.getCookie(WebSession.SESSION));
        // The sign-in page's own form, cookie and field together, signs in.
        Response signedIn = WebSession.signInForm().formParam("j_username", user)
                .formParam("j_password", TestUsers.PASSWORD).post("/j_security_check");
        signedIn.then().statusCode(302);
        assertTrue(signedIn.getCookie(WebSession.SESSION) != null, signedIn.headers()::toString);
        // HTTP Basic on the API is no form and needs no token.
        given().auth().preemptive().basic(user, TestUsers.PASSWORD).get("/api/v1/users/{u}", user).then().statusCode(200);
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefused() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        session.get("/teams").then().statusCode(200);
        session.request().formParam("name", "csrf-less").post("/teams").then().statusCode(400)
                .contentType(containsString("text/html")).body(containsString("CSRF token"));
        session.request().formParam("name", "csrf-wrong").formParam("csrf-token", "AAAA").post("/teams")
                .then().statusCode(400);
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/teams/csrf-less")
                .then().statusCode(404);
        // With the token the same form works, and sign-out ends the session in this browser.
        session.post("/teams", "/logout").then().statusCode(303).header("Location", containsString("/login"));
        session.get("/teams").then().statusCode(303);
    }

    @Test
    void aPagePostThatIsNoFormNeedsItsCsrfTokenToo() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        // Another site's page can send text/plain or an empty body without a preflight: neither may pass unchecked.
        session.request().contentType("text/plain").body("bye").post("/logout").then().statusCode(400);
        session.request().post("/logout").then().statusCode(400);
        session.get("/profile").then().statusCode(200);
        // The token in its header works whatever the body, as htmx sends it.
        String token = session.csrfToken("/profile");
        session.request().header("X-CSRF-TOKEN", token).contentType("text/plain").body("").post("/logout")
                .then().statusCode(303).header("Location", containsString("signedOut"));
        session.get("/profile").then().statusCode(303);
    }

    @Test
    void theSessionCookieOpensPagesButNotTheApi() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        session.get("/profile").then().statusCode(200);
        session.request().get("/api/v1/users/{u}", user).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"));
        session.request().contentType("application/merge-patch+json").body("{\"password\":\"taken-over-1\"}")
                .patch("/api/v1/users/{u}", user).then().statusCode(401);
        session.request().contentType("application/json").body("{\"name\":\"stolen\"}")
                .post("/api/v1/users/{u}/application-tokens", user).then().statusCode(401);
        // The password did not change, no token was made; with Basic the API answers as ever, cookie or not.
        List<Object> tokens = session.request().auth().preemptive().basic(user, TestUsers.PASSWORD)
                .get("/api/v1/users/{u}/application-tokens", user).then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertTrue(tokens.isEmpty(), tokens::toString);
    }

    @Test
    void aNewPasswordEndsTheWebSessionsAndTheDockerLoginsButNotTheTokens() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        WebSession otherBrowser = WebSession.signIn(user, TestUsers.PASSWORD);
        String identityToken = given().formParam("grant_type", "password").formParam("username", user)
                .formParam("password", TestUsers.PASSWORD).formParam("service", "registry.test")
                .formParam("client_id", "docker").formParam("access_type", "offline").post("/v2/token")
                .then().statusCode(200).extract().path("refresh_token");
        String appToken = given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType("application/json")
                .body("{\"name\":\"ci\"}").post("/api/v1/users/{u}/application-tokens", user).then().statusCode(201)
                .extract().path("token");

        String newPassword = "a-new-password-" + System.nanoTime();
        session.post("/profile", "/profile/password", "current", TestUsers.PASSWORD, "password", newPassword,
                "repeat", newPassword).then().statusCode(303).header("Location", containsString("passwordChanged"));
        otherBrowser.get("/profile").then().statusCode(303).header("Location", containsString("/login"));
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", identityToken)
                .formParam("service", "registry.test").formParam("client_id", "docker").post("/v2/token")
                .then().statusCode(401);
        given().auth().preemptive().basic(user, appToken).get("/api/v1/users/{u}", user).then().statusCode(200);
        WebSession.signIn(user, newPassword).get("/profile").then().statusCode(200);
        given().get("/login?passwordChanged=true").then().statusCode(200).body(containsString("docker login"));
    }

    @Test
    void signUpIsOffUnlessSwitchedOn() {
        given().get("/login").then().statusCode(200).body(not(containsString("/signup")));
        given().redirects().follow(false).get("/signup").then().statusCode(404).body(containsString("no such page"));
        // Even a well-formed post (CSRF token and all) creates nothing.
        String name = "nosignup" + System.nanoTime() % 100_000;
        WebSession.signInForm().formParam("username", name).formParam("email", name + "@example.com")
                .formParam("password", TestUsers.PASSWORD).formParam("repeat", TestUsers.PASSWORD)
                .post("/signup").then().statusCode(404);
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/users/{u}", name)
                .then().statusCode(404);
    }

    @Test
    void signingOutEndsTheSessionsOnTheServerSoACopiedCookieStopsWorking() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        WebSession otherBrowser = WebSession.signIn(user, TestUsers.PASSWORD);
        String copy = session.cookies.get(WebSession.SESSION);
        given().redirects().follow(false).cookie(WebSession.SESSION, copy).get("/teams").then().statusCode(200);

        session.post("/teams", "/logout").then().statusCode(303).header("Location", containsString("signedOut"));
        // The copy is still a well-formed, unexpired cookie: the server no longer accepts it.
        given().redirects().follow(false).cookie(WebSession.SESSION, copy).get("/teams").then().statusCode(303)
                .header("Location", containsString("/login?ended=true"));
        given().redirects().follow(false).cookie(WebSession.SESSION, copy).get("/api/v1/users/{u}", user)
                .then().statusCode(401);
        // Sign-out ends the account's sessions in every browser.
        otherBrowser.get("/teams").then().statusCode(303).header("Location", containsString("/login"));
        // Signing in again opens a new session; the old copy stays dead.
        WebSession.signIn(user, TestUsers.PASSWORD).get("/teams").then().statusCode(200);
        given().redirects().follow(false).cookie(WebSession.SESSION, copy).get("/teams").then().statusCode(303);
    }

    @Test
    void errorPagesLookLikeTheRestAndShowNoStackTrace() {
        String user = TestUsers.create("web");
        WebSession session = WebSession.signIn(user, TestUsers.PASSWORD);
        session.get("/teams/no-such-team").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("Not found")).body(containsString("Portcullis"))
                .body(not(containsString("Exception"))).body(not(containsString("at dev.portcullis")));
        session.get("/admin").then().statusCode(403).contentType(containsString("text/html"))
                .body(containsString("Forbidden"));
        given().get("/no-such-page").then().statusCode(404).contentType(containsString("text/html"))
                .body(containsString("Back to the start page")).body(not(containsString("Exception")));
    }

    @Test
    void theStylesheetAndHtmxAreServedByUs() {
        given().get("/static/app.css").then().statusCode(200).contentType(containsString("text/css"));
        given().get("/_static/htmx.org/dist/htmx.min.js").then().statusCode(200);
        given().get("/login").then().statusCode(200).body(not(containsString("http://")), not(containsString("https://")))
                .body(containsString("/static/app.css"));
        assertEquals(200, given().get("/static/app.js").statusCode());
        given().get("/login").then().body(not(containsString("<script>"))).body(not(containsString("style=\"")));
    }
}
