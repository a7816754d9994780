package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.NginxProxy;
import dev.portcullis.testsupport.RawHttp;
import dev.portcullis.testsupport.TestCa;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Portcullis behind a TLS-terminating ingress (Debian's nginx, configured as ingress-nginx is, with a certificate of a
 * CA the test makes), as the chart runs it: clients are told apart by the address the proxy forwards, not by the
 * proxy's own; a forwarded header from anyone but the proxy changes nothing; and the web UI, reached over https, says
 * so: secure cookies, https redirects, HSTS. Clients are loopback addresses of their own (127.0.0.x); the proxy
 * connects from 127.0.0.1, the one address trusted to forward.
 */
@QuarkusTest
@TestProfile(BehindTheIngressProfile.class)
class BehindTheIngressEndToEndTest {

    static final String HOST = "portcullis.test";
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    static final AtomicInteger CLIENTS = new AtomicInteger(20);

    static TestCa ca;
    static NginxProxy ingress;

    @BeforeEach
    void ingress() throws Exception {
        if (ingress == null) {
            Path work = Files.createTempDirectory("portcullis-ingress");
            ca = TestCa.create();
            TestCa.Issued certificate = ca.issue(work.resolve("tls"), HOST, HOST);
            ingress = NginxProxy.start(work.resolve("nginx"), List.of(
                    new NginxProxy.Site(HOST, certificate, Map.of("/", RestAssured.port), false)));
        }
    }

    @AfterAll
    static void stop() {
        if (ingress != null) {
            ingress.close();
            ingress = null;
        }
    }

    /** A client of its own: another loopback address, reaching Portcullis through the ingress. */
    static RawHttp client() throws Exception {
        return RawHttp.tls(InetAddress.getByName("127.0.0." + CLIENTS.incrementAndGet()), ca.trustingContext());
    }

    static RawHttp.Answer token(RawHttp client, String user, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client.get(HOST, ingress.port(), "/v2/token?service=registry.test", "Host", HOST,
                "Authorization", "Basic " + basic);
    }

    @Test
    void oneClientsFailuresLeaveAnotherClientsDockerLoginWorking() throws Exception {
        String bob = TestUsers.create("ingress");
        RawHttp guesser = client();
        RawHttp other = client();
        // 60 wrong secrets from one client for as many names: its own address is blocked after its allowance (50),
        // the ingress's address, which every client shares, is not.
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            int status = token(guesser, "nobody" + i, "pcat_wrong-" + i).status();
            assertTrue(status == 401 || status == 429, "status " + status);
            refused += status == 429 ? 1 : 0;
        }
        assertTrue(refused > 0, "the guessing client was blocked by its own address");
        assertEquals(429, token(guesser, bob, TestUsers.PASSWORD).status(), "and stays so, even for a right password");
        assertEquals(200, token(other, bob, TestUsers.PASSWORD).status(), "another client logs in");
    }

    @Test
    void aForwardedHeaderSentStraightToTheServiceChangesNothing() throws Exception {
        RawHttp direct = RawHttp.from(InetAddress.getByName("127.0.0." + CLIENTS.incrementAndGet()));
        int port = RestAssured.port;
        // Each attempt claims another client address: the service keys them all on the sender's own.
        int lastStatus = 0;
        for (int i = 0; i <= 51; i++) {
            String basic = Base64.getEncoder().encodeToString(("ghost" + i + ":pcat_wrong")
                    .getBytes(StandardCharsets.UTF_8));
            lastStatus = direct.get("127.0.0.1", port, "/v2/token?service=registry.test",
                    "X-Forwarded-For", "10.9." + i + ".1", "Authorization", "Basic " + basic).status();
        }
        assertEquals(429, lastStatus, "blocked by its real address, whatever it claimed");
        // Nor does it become https by saying so.
        RawHttp.Answer login = direct.get("127.0.0.1", port, "/login", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", HOST);
        assertEquals(200, login.status());
        assertNull(login.header("Strict-Transport-Security"));
        assertTrue(login.headers("Set-Cookie").stream().noneMatch(c -> c.contains("Secure")),
                login.headers().toString());
    }

    @Test
    void overTheIngressTheWebUiIsHttpsThroughAndThrough() throws Exception {
        String user = TestUsers.create("https");
        RawHttp browser = client();
        RawHttp.Answer page = browser.get(HOST, ingress.port(), "/login", "Host", HOST);
        assertEquals(200, page.status());
        assertEquals("max-age=31536000; includeSubDomains", page.header("Strict-Transport-Security"));
        String csrfCookie = cookie(page, "portcullis-csrf");
        assertTrue(setCookie(page, "portcullis-csrf").contains("Secure"), page.headers().toString());
        Matcher field = CSRF_FIELD.matcher(page.body());
        assertTrue(field.find(), "the sign-in form carries its CSRF token");

        String form = "j_username=" + user + "&j_password=" + TestUsers.PASSWORD + "&csrf-token=" + field.group(1);
        RawHttp.Answer signedIn = browser.send("POST", HOST, ingress.port(), "/j_security_check", form, "Host", HOST,
                "Content-Type", "application/x-www-form-urlencoded", "Cookie", "portcullis-csrf=" + csrfCookie);
        assertTrue(signedIn.status() == 302 || signedIn.status() == 303, signedIn.toString());
        assertTrue(signedIn.header("Location").startsWith("https://" + HOST), signedIn.header("Location"));
        String session = setCookie(signedIn, "portcullis-session");
        assertNotNull(session, signedIn.headers().toString());
        assertTrue(session.contains("Secure") && session.toLowerCase().contains("httponly"), session);

        RawHttp.Answer anonymous = browser.get(HOST, ingress.port(), "/teams", "Host", HOST);
        assertEquals(303, anonymous.status());
        assertTrue(anonymous.header("Location").startsWith("https://" + HOST + ":" + ingress.port() + "/login"),
                anonymous.header("Location"));
        // The same page straight from the service, over http: no HSTS, nothing claims https.
        RawHttp.Answer plain = RawHttp.from(InetAddress.getLoopbackAddress()).get("127.0.0.1", RestAssured.port,
                "/login");
        assertNull(plain.header("Strict-Transport-Security"));
        assertFalse(setCookie(plain, "portcullis-csrf").contains("Secure"));
    }

    private static String setCookie(RawHttp.Answer answer, String name) {
        return answer.headers("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
    }

    private static String cookie(RawHttp.Answer answer, String name) {
        String header = setCookie(answer, name);
        assertNotNull(header, () -> "no " + name + " cookie: " + answer.headers());
        return header.substring(name.length() + 1, header.indexOf(';') < 0 ? header.length() : header.indexOf(';'));
    }
}
