package dev.portcullis.directory;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on configured, the provider unreachable (nothing listens on its port): the application starts, the
 * sign-in page still offers the form, "Sign in with" fails without hanging and without a session, and the local
 * admin signs in (break glass).
 */
@QuarkusTest
@TestProfile(OidcUnreachableTest.Unreachable.class)
class OidcUnreachableTest {

    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.oidc.enabled", "true", "portcullis.oidc.provider-name", "Keycloak",
                    "quarkus.oidc.idp.auth-server-url", "http://127.0.0.1:" + FreePort.next() + "/realms/company",
                    "quarkus.oidc.idp.client-id", "portcullis",
                    "quarkus.oidc.idp.credentials.secret", "portcullis-client-secret",
                    "quarkus.oidc.idp.connection-timeout", "2s");
        }
    }

    @Test
    void localAccountsKeepWorkingWhileTheProviderIsDown() {
        String login = given().get("/login").then().statusCode(200).extract().asString();
        assertTrue(login.contains("Sign in with Keycloak") && login.contains("j_security_check"), login);

        Response sso = given().redirects().follow(false).get("/auth/oidc");
        assertEquals(303, sso.statusCode(), sso.asString());
        assertEquals("/login?refused=unavailable", java.net.URI.create(sso.header("Location")).getPath() + "?"
                + java.net.URI.create(sso.header("Location")).getQuery());
        assertTrue(sso.getCookies().keySet().stream().noneMatch("portcullis-session"::equals), "no session");
        assertTrue(given().get("/login?refused=unavailable").asString().contains("cannot be reached just now"));

        // The form and the API take the local admin's password.
        Response form = given().redirects().follow(false).formParam("j_username", TestUsers.ADMIN)
                .formParam("j_password", TestUsers.ADMIN_PASSWORD).cookie("portcullis-csrf", "x")
                .formParam("csrf-token", "x").post("/j_security_check");
        assertEquals(302, form.statusCode(), form.asString());
        assertTrue(form.getCookies().containsKey("portcullis-session"), "the local admin's session");
        given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).get("/api/v1/users/admin")
                .then().statusCode(200);
    }
}
