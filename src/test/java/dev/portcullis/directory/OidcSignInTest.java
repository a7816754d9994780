package dev.portcullis.directory;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * "Sign in with Keycloak" through a real Keycloak ({@link KeycloakResource}), over HTTP as a browser does it: the
 * authorization code flow with PKCE, the account made with source oidc, groups as teams and admin, Portcullis's own
 * session on the dashboard, an application token with its docker login line, RP-initiated logout, and access taken
 * away at the next sign-in (outside the allowed group: disabled, tokens revoked; out of the admin group: tokens
 * revoked).
 */
@QuarkusTest
@TestProfile(OidcProfile.class)
class OidcSignInTest {

    private static final String PASSWORD = KeycloakResource.PASSWORD;
    private static final Pattern TOKEN = Pattern.compile("pcat_[A-Za-z0-9_-]+");

    static Map<String, Object> user(String name) {
        return LdapSignInTest.user(name);
    }

    static int tokenStatus(String user, String secret) {
        return given().queryParam("service", LdapSignInTest.SERVICE).queryParam("scope", "repository:" + user + "/app:pull")
                .auth().preemptive().basic(user, secret).get("/v2/token").statusCode();
    }

    /** Creates an application token on the profile page; answers its secret. */
    static String createToken(BrowserSession browser, String user) {
        HttpResponse<String> profile = browser.get("/profile");
        assertEquals(200, profile.statusCode());
        assertTrue(profile.body().contains("id=\"oidc-password-note\""), "no password form for an OIDC account");
        HttpResponse<String> created = browser.post("/profile/tokens",
                Map.of("name", "laptop", "csrf-token", BrowserSession.csrf(profile)));
        assertEquals(200, created.statusCode(), created.body());
        assertTrue(created.body().contains("docker login " + LdapSignInTest.SERVICE + " -u " + user),
                "the exact docker login line");
        Matcher secret = TOKEN.matcher(created.body());
        assertTrue(secret.find(), "the token's secret, shown once");
        return secret.group();
    }

    @Test
    void signsInMakesTheAccountAndSignsOutAtTheProvider() {
        HttpResponse<String> login = new BrowserSession(KeycloakResource.appPort()).get("/login");
        assertTrue(login.body().contains("href=\"/auth/oidc\"") && login.body().contains("Sign in with Keycloak"),
                "the sign-in page offers the provider");

        BrowserSession browser = new BrowserSession(KeycloakResource.appPort());
        HttpResponse<String> landed = browser.signInWithIdp("olivia", PASSWORD);
        assertEquals(200, landed.statusCode(), browser.visited.toString());
        assertEquals("/", browser.lastPath(), "lands on the dashboard: " + browser.visited);
        assertTrue(landed.body().contains("olivia"), "signed in as olivia");
        assertTrue(browser.cookies.getCookieStore().getCookies().stream()
                .anyMatch(c -> c.getName().equals("portcullis-session")), "Portcullis's own session cookie");

        Map<String, Object> olivia = user("olivia");
        assertEquals("oidc", olivia.get("source"));
        assertEquals("olivia@example.org", olivia.get("email"));
        assertEquals(Boolean.FALSE, olivia.get("admin"));
        assertEquals("contributor", LdapSignInTest.role("idp-developers", "olivia"), "devs -> idp-developers");
        given().auth().preemptive().basic("admin", "admin-password").get("/api/v1/namespaces/olivia")
                .then().statusCode(200);

        // The session works on other pages, without the provider.
        assertEquals(200, browser.get("/profile").statusCode());
        String secret = createToken(browser, "olivia");
        assertEquals(200, tokenStatus("olivia", secret), "the application token signs docker in");

        // Sign-out: Portcullis's session ends, then the provider's (RP-initiated logout with the ID token as hint).
        HttpResponse<String> signOut = browser.post("/logout", Map.of("csrf-token", BrowserSession.csrf(landed)));
        assertEquals(200, signOut.statusCode(), "a page that moves on by itself (a form's redirect would meet the CSP)");
        assertEquals("0; url=/auth/oidc/logout", signOut.headers().firstValue("Refresh").orElse(null));
        HttpResponse<String> toIdp = browser.get("/auth/oidc/logout");
        assertEquals(302, toIdp.statusCode());
        String logout = browser.location(toIdp);
        assertTrue(logout.contains("/protocol/openid-connect/logout") && logout.contains("id_token_hint="), logout);
        HttpResponse<String> back = browser.follow(toIdp);
        assertEquals(200, back.statusCode());
        assertTrue(browser.lastPath().startsWith("/login"), "back at the sign-in page: " + browser.visited);
        assertTrue(back.body().contains("You are signed out everywhere"), "with the notice");
        assertEquals(303, browser.get("/profile").statusCode(), "the old session is over");
        // The provider's session is over too: signing in again asks for the password.
        HttpResponse<String> again = browser.follow(browser.get("/auth/oidc"));
        assertTrue(again.body().contains("login-actions/authenticate"), "Keycloak's login form again");
        assertEquals(200, tokenStatus("olivia", secret), "application tokens outlive the sessions");

        // Out of the allowed group at the provider: the next sign-in disables the account and revokes its tokens.
        Keycloak keycloak = KeycloakResource.keycloak();
        String realm = KeycloakResource.REALM;
        assertEquals(204, keycloak.admin("DELETE", "/realms/" + realm + "/users/" + keycloak.id(realm, "users", "olivia")
                + "/groups/" + keycloak.id(realm, "groups", "registry-users"), null).statusCode());
        BrowserSession later = new BrowserSession(KeycloakResource.appPort());
        HttpResponse<String> refused = later.signInWithIdp("olivia", PASSWORD);
        assertEquals("/login?refused=group", later.lastPath(), later.visited.toString());
        assertTrue(refused.body().contains("not allowed to use this registry"));
        assertEquals(Boolean.FALSE, user("olivia").get("enabled"));
        assertEquals(401, tokenStatus("olivia", secret), "its application token is revoked");
    }

    @Test
    void theAdminGroupMakesAnAdminAndLeavingItRevokesTokens() {
        BrowserSession browser = new BrowserSession(KeycloakResource.appPort());
        assertEquals("/", pathAfterSignIn(browser, "oscar"));
        assertEquals(Boolean.TRUE, user("oscar").get("admin"));
        String secret = createToken(browser, "oscar");
        assertEquals(200, tokenStatus("oscar", secret));
        // The OIDC extension guards /auth/oidc only: the API takes Portcullis's bearer tokens and challenges as before.
        given().header("Authorization", "Bearer " + secret).get("/api/v1/users/oscar").then().statusCode(200);
        given().redirects().follow(false).get("/api/v1/users/oscar").then().statusCode(401);

        Keycloak keycloak = KeycloakResource.keycloak();
        String realm = KeycloakResource.REALM;
        assertEquals(204, keycloak.admin("DELETE", "/realms/" + realm + "/users/" + keycloak.id(realm, "users", "oscar")
                + "/groups/" + keycloak.id(realm, "groups", "portcullis-admins"), null).statusCode());
        assertEquals("/", pathAfterSignIn(new BrowserSession(KeycloakResource.appPort()), "oscar"),
                "still allowed to sign in");
        assertEquals(Boolean.FALSE, user("oscar").get("admin"));
        assertEquals(Boolean.TRUE, user("oscar").get("enabled"));
        assertEquals(401, tokenStatus("oscar", secret), "tokens made as an admin die with the admin rights");
    }

    @Test
    void outsidersAndTakenNamesGetNoAccount() {
        BrowserSession outsider = new BrowserSession(KeycloakResource.appPort());
        assertEquals("/login?refused=group", pathAfterSignIn(outsider, "otto"));
        given().auth().preemptive().basic("admin", "admin-password").get("/api/v1/users/otto").then().statusCode(404);

        // "admin" at the provider is not the local admin here: no session, and the local account is untouched.
        BrowserSession impostor = new BrowserSession(KeycloakResource.appPort());
        assertEquals("/login?refused=name", pathAfterSignIn(impostor, "admin"));
        assertEquals("local", user("admin").get("source"));
        assertFalse(impostor.cookies.getCookieStore().getCookies().stream()
                .anyMatch(c -> c.getName().equals("portcullis-session")));
        // Break glass: the local admin's password still signs in while the provider is configured.
        assertEquals(200, given().auth().preemptive().basic("admin", "admin-password").get("/api/v1/users/admin")
                .statusCode());
        assertNull(LdapSignInTest.role("idp-developers", "otto"));
    }

    private static String pathAfterSignIn(BrowserSession browser, String user) {
        HttpResponse<String> page = browser.signInWithIdp(user, PASSWORD);
        assertEquals(200, page.statusCode(), browser.visited.toString());
        return browser.lastPath();
    }
}
