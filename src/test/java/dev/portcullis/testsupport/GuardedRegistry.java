package dev.portcullis.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's registry wired to the running Portcullis as the README tells an operator to: token auth trusting
 * the certificate from {@code /api/v1/token/certificate}, and notifications with the events secret.
 * Call it once a test runs (RestAssured knows the random port only then).
 */
public final class GuardedRegistry {

    public static final String SERVICE = "registry.test";
    public static final String ISSUER = "portcullis.test";
    public static final String EVENTS_SECRET = "test-events-secret";

    private GuardedRegistry() {
    }

    /** On a free port, with notifications and deletes. */
    public static RegistryProcess start(Path work) {
        return start(work, true, true, FreePort.next());
    }

    /**
     * @param port the registry's port; {@link RegistryPortResource#port()} when Portcullis itself must reach it
     */
    public static RegistryProcess start(Path work, boolean notifications, boolean deletes, int port) {
        return start(work, null, notifications, deletes, port);
    }

    /**
     * As {@link #start(Path)} on a free port, but clients are sent for their tokens to {@code realm}, something in
     * front of Portcullis's token endpoint (e.g. {@link GetOnlyRealm}); no notifications.
     */
    public static RegistryProcess startWithRealm(Path work, String realm) {
        return start(work, realm, false, true, FreePort.next());
    }

    private static RegistryProcess start(Path work, String realm, boolean notifications, boolean deletes, int port) {
        return RegistryProcess.start(work.resolve("registry"), config(work, realm, notifications, deletes).build(), port);
    }

    /**
     * The configuration {@link #start(Path)} uses, for a caller to add to (e.g. the notification endpoint's ignored
     * media types) before {@code RegistryProcess.start(work.resolve("registry"), config.build(), port)}; writes the
     * token certificate to {@code work/token.pem}. {@code realm} null: Portcullis's own token endpoint.
     */
    public static RegistryProcess.Config.Builder config(Path work, String realm, boolean notifications,
            boolean deletes) {
        String portcullis = "http://127.0.0.1:" + RestAssured.port;
        Path bundle = work.resolve("token.pem");
        try {
            Files.createDirectories(work);
            Files.writeString(bundle, given().get("/api/v1/token/certificate").then().statusCode(200).extract().asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RegistryProcess.Config.Builder config = RegistryProcess.Config.builder()
                .tokenAuth(realm == null ? portcullis + "/v2/token" : realm, SERVICE, ISSUER, bundle)
                .deleteEnabled(deletes);
        if (notifications) {
            config.notifications(portcullis + "/v2/webhooks/events", EVENTS_SECRET);
        }
        return config;
    }
}
