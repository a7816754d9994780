package dev.portcullis.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts: which targets are refused, the signature a receiver checks, the backoff. */
class WebhookRulesTest {

    @ParameterizedTest(name = "{0} internal: {1}")
    @CsvSource({
        "127.0.0.1, true", "127.9.9.9, true", "::1, true", "0.0.0.0, true", "::, true",
        "169.254.169.254, true", "fe80::1, true", "10.1.2.3, true", "172.16.0.1, true", "172.31.255.255, true",
        "192.168.1.1, true", "fc00::1, true", "fd12:3456::1, true", "224.0.0.1, true", "ff02::1, true",
        "100.64.0.1, true", "::ffff:10.0.0.1, true",
        "93.184.216.34, false", "172.32.0.1, false", "100.128.0.1, false", "2606:4700::1111, false",
        "8.8.8.8, false"})
    void internalAddresses(String address, boolean internal) throws Exception {
        assertEquals(internal, TargetGuard.internal(InetAddress.getByName(address)));
    }

    @ParameterizedTest(name = "{0} refused")
    @CsvSource({"http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://169.254.169.254/latest",
        "http://10.0.0.1/", "ftp://example.com/", "http://user:pw@example.com/", "not a url", "http:///nohost"})
    void refusedTargets(String url) {
        assertTrue(TargetGuard.refused(url, false).isPresent());
    }

    @Test
    void privateTargetsAllowedBySettingStillNeedHttp() {
        assertTrue(TargetGuard.refused("http://127.0.0.1:1/x", true).isEmpty());
        assertTrue(TargetGuard.refused("file:///etc/passwd", true).isPresent());
    }

    @Test
    void signatureIsHmacOfTimeAndBody() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String header = Signature.header("s3cret-s3cret-s3cret", 1700000000L, body);
        assertTrue(header.startsWith("t=1700000000,v1="));
        // HMAC-SHA256("s3cret-s3cret-s3cret", "1700000000.{\"a\":1}"), as openssl computes it.
        assertEquals("t=1700000000,v1=" + OpenSsl.hmac("s3cret-s3cret-s3cret", "1700000000.{\"a\":1}"), header);
        assertTrue(Signature.verify("s3cret-s3cret-s3cret", header, body));
        assertFalse(Signature.verify("another-secret-xx", header, body));
        assertFalse(Signature.verify("s3cret-s3cret-s3cret", header, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(Signature.verify("s3cret-s3cret-s3cret", header.replace("t=1700000000", "t=1700000001"), body),
                "the time is signed: a replay cannot claim a fresh one");
        assertFalse(Signature.verify("s3cret-s3cret-s3cret", "v1=00", body));
    }

    @Test
    void backoffDoublesWithJitterUpToTheCeiling() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
        assertEquals(Duration.ofSeconds(5), b.after(1, 0.0));
        assertEquals(Duration.ofMillis(9_999), b.after(1, 0.9999));
        assertEquals(Duration.ofSeconds(10), b.after(2, 0.0));
        assertEquals(Duration.ofSeconds(20), b.after(3, 0.0));
        assertEquals(Duration.ofSeconds(150), b.after(7, 0.0), "ceiling 300 s, half of it fixed");
        assertEquals(Duration.ofSeconds(150), b.after(1_000, 0.0));
        assertTrue(b.after(1_000, 0.999).compareTo(Duration.ofMinutes(5)) < 0);
    }

    @Test
    void accessChangesSentAsEvents() {
        assertEquals(EventType.MEMBER_ADDED, EventType.ofAccessChange("member.add", "viewer").orElseThrow());
        assertEquals(EventType.VISIBILITY_CHANGED,
                EventType.ofAccessChange("namespace.update", "visibility=public").orElseThrow());
        assertTrue(EventType.ofAccessChange("namespace.update", "description").isEmpty());
        assertTrue(EventType.ofAccessChange("team.create", null).isEmpty());
    }

    /** The same HMAC computed outside the JVM, by Debian's openssl. */
    static final class OpenSsl {
        static String hmac(String key, String text) {
            try {
                Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", key, "-hex")
                        .redirectErrorStream(true).start();
                p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertEquals(0, p.waitFor());
                return out.substring(out.lastIndexOf(' ') + 1);
            } catch (Exception e) {
                throw new AssertionError("openssl", e);
            }
        }
    }
}
