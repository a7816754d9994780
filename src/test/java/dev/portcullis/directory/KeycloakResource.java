package dev.portcullis.directory;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.Keycloak;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The company's identity provider for {@link OidcProfile}: Keycloak in dev mode on loopback with a realm of people
 * in groups, a confidential client for Portcullis (PKCE required, redirects back to this Quarkus only) and a mapper
 * that puts the groups into the ID token's {@code groups} claim. The application's port is chosen here, so that
 * the client can name its redirect URI exactly.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    public static final String REALM = "company";
    public static final String CLIENT_SECRET = "portcullis-client-secret";
    public static final String PASSWORD = "idp-password";
    private static volatile Keycloak keycloak;
    private static volatile int appPort;

    @Override
    public Map<String, String> start() {
        int port = FreePort.next();
        Keycloak started = Keycloak.start(REALM, realm(port));
        keycloak = started;
        appPort = port;
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.http.test-port", String.valueOf(port));
        config.put("portcullis.oidc.enabled", "true");
        config.put("portcullis.oidc.provider-name", "Keycloak");
        config.put("portcullis.oidc.allowed-group", "registry-users");
        config.put("quarkus.oidc.idp.auth-server-url", started.issuer(REALM));
        config.put("quarkus.oidc.idp.client-id", "portcullis");
        config.put("quarkus.oidc.idp.credentials.secret", CLIENT_SECRET);
        config.put("portcullis.directory.teams[0].group", "devs");
        config.put("portcullis.directory.teams[0].team", "idp-developers");
        config.put("portcullis.directory.teams[0].role", "contributor");
        config.put("portcullis.directory.admin-group", "portcullis-admins");
        config.put("portcullis.directory.sync-every", "1h");
        return config;
    }

    @Override
    public void stop() {
        Keycloak running = keycloak;
        keycloak = null;
        if (running != null) {
            running.close();
        }
    }

    static Keycloak keycloak() {
        return keycloak;
    }

    static int appPort() {
        return appPort;
    }

    static String person(String username, String... groups) {
        StringBuilder list = new StringBuilder();
        for (String group : groups) {
            list.append(list.isEmpty() ? "" : ",").append("\"/").append(group).append('"');
        }
        return """
                {"username": "%s", "enabled": true, "email": "%s@example.org", "emailVerified": true,
                 "firstName": "%s", "lastName": "Example",
                 "credentials": [{"type": "password", "value": "%s", "temporary": false}],
                 "groups": [%s]}""".formatted(username, username, username, PASSWORD, list);
    }

    /** The realm Keycloak imports at start (its JSON export format). */
    static String realm(int appPort) {
        String app = "http://127.0.0.1:" + appPort;
        return """
                {"realm": "%s", "enabled": true, "sslRequired": "none",
                 "groups": [{"name": "devs"}, {"name": "portcullis-admins"}, {"name": "registry-users"}],
                 "users": [%s, %s, %s, %s, %s],
                 "clients": [{
                   "clientId": "portcullis", "enabled": true, "publicClient": false, "secret": "%s",
                   "clientAuthenticatorType": "client-secret", "standardFlowEnabled": true,
                   "directAccessGrantsEnabled": false, "redirectUris": ["%s/*"], "webOrigins": ["%s"],
                   "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
                   "protocolMappers": [{
                     "name": "groups", "protocol": "openid-connect", "protocolMapper": "oidc-group-membership-mapper",
                     "config": {"claim.name": "groups", "full.path": "false", "id.token.claim": "true",
                                "access.token.claim": "true", "userinfo.token.claim": "true"}}]
                 }]}""".formatted(REALM,
                person("olivia", "devs", "registry-users"),
                person("oscar", "portcullis-admins", "registry-users"),
                person("otto", "devs"),
                person("admin", "registry-users"),
                person("petra", "devs", "registry-users"),
                CLIENT_SECRET, app, app);
    }
}
