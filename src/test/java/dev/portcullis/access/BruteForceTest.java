package dev.portcullis.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The brute-force throttle as clients meet it: five typos are free, further failures of one account name are
 * refused with 429 for a while, on the token endpoint and on the API, and nothing (status, body, the work done)
 * tells an existing account from an unknown one; an address failing beyond its allowance is refused as a whole.
 *
 * <p>Every test comes from 127.0.0.1, and the throttle lets one address fail 50 times in 15 minutes before it
 * blocks the address for everyone: that allowance is shared by ALL test classes of the run. This class spends
 * at most {@value #FAILURE_BUDGET} failures and checks so at the end.
 */
@QuarkusTest
class BruteForceTest {

    @Inject
    MeterRegistry meters;

    static final String SERVICE = "registry.test";
    static final String WRONG = "wrong-password-1";
    /** The account's free failures (five typos) and the one that starts the block. */
    static final List<Integer> BLOCKED_SEQUENCE = List.of(401, 401, 401, 401, 401, 401, 429);
    static final int FAILURE_BUDGET = 23;
    private static final AtomicInteger FAILURES = new AtomicInteger();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** One login attempt. */
    record Attempt(Response response) {
        int status() {
            return response.statusCode();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** A name no account has. */
    static String unknownName() {
        return "ghost" + System.nanoTime() % 1_000_000 + "x" + SEQUENCE.incrementAndGet();
    }

    /** {@code docker login}: a registry token request with HTTP Basic; counts the failures it causes. */
    static Attempt registryLogin(String username, String password) {
        Response response = given().queryParam("service", SERVICE).auth().preemptive().basic(username, password)
                .get("/v2/token");
        if (response.statusCode() == 401) {
            FAILURES.incrementAndGet();
        }
        return new Attempt(response);
    }

    /** Wrong passwords until the first 429 (at most eight attempts): the statuses, and the last answer. */
    static List<Attempt> failUntilRefused(String username) {
        List<Attempt> attempts = new ArrayList<>();
        while (attempts.size() < 8) {
            Attempt attempt = registryLogin(username, WRONG);
            attempts.add(attempt);
            if (attempt.status() == 429) {
                break;
            }
        }
        return attempts;
    }

    static List<Integer> statuses(List<Attempt> attempts) {
        return attempts.stream().map(Attempt::status).toList();
    }

    static Attempt last(List<Attempt> attempts) {
        return attempts.get(attempts.size() - 1);
    }

    static void assertTooManyRequestsInTheRegistryShape(Response response) {
        response.then().statusCode(429)
                .contentType(containsString("application/json"))
                .body("errors[0].code", equalTo("TOOMANYREQUESTS"))
                .body("errors[0].message", containsString("retry"));
        assertRetryAfter(response);
    }

    static void assertRetryAfter(Response response) {
        String retryAfter = response.getHeader("Retry-After");
        assertNotNull(retryAfter, "a 429 says when to retry");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 300, "Retry-After " + seconds + " s: soon, and never over the cap");
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void fiveWrongPasswordsNeverBlock() {
        String user = TestUsers.create("typo");
        for (int i = 0; i < 5; i++) {
            registryLogin(user, WRONG).response().then().statusCode(401) // 5 failures
                    .body("errors[0].code", equalTo("UNAUTHORIZED"));
        }
        Response correct = registryLogin(user, TestUsers.PASSWORD).response();
        correct.then().statusCode(200);
        assertNotNull(correct.path("token"));
    }

    @Test
    void moreFailuresAreRefusedWith429OnTheTokenEndpointAndTheApi() throws Exception {
        String user = TestUsers.create("blocked");

        List<Attempt> attempts = failUntilRefused(user); // 6 failures
        assertEquals(BLOCKED_SEQUENCE, statuses(attempts));
        Response refused = last(attempts).response();
        assertTooManyRequestsInTheRegistryShape(refused);
        refused.then().body(not(containsString(user)));

        // While blocked, the right password is refused too (it is not even checked), and the API agrees.
        registryLogin(user, TestUsers.PASSWORD).response().then().statusCode(429);
        Response api = given().auth().preemptive().basic(user, TestUsers.PASSWORD).get("/api/v1/users/" + user);
        api.then().statusCode(429)
                .contentType("application/problem+json")
                .body("status", equalTo(429))
                .body("detail", containsString("retry"));
        assertRetryAfter(api);

        // Not locked out for long: after Retry-After the right password works again.
        Thread.sleep(Long.parseLong(refused.getHeader("Retry-After")) * 1000 + 500);
        registryLogin(user, TestUsers.PASSWORD).response().then().statusCode(200);
    }

    @Test
    void anUnknownAccountCannotBeToldApartByStatusBodyOrTime() {
        String known = TestUsers.create("known");
        String unknown = unknownName();

        // The five free failures of each, 10 failures; each costs exactly one bcrypt check, a decoy's for the
        // unknown one, so neither answers sooner (the work is counted, not timed: a busy machine times nothing).
        List<Attempt> knownAttempts = new ArrayList<>();
        List<Attempt> unknownAttempts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            double before = passwordChecks();
            knownAttempts.add(registryLogin(known, WRONG));
            assertEquals(1.0, passwordChecks() - before, "a wrong password of a known account: one bcrypt check");
            before = passwordChecks();
            unknownAttempts.add(registryLogin(unknown, WRONG));
            assertEquals(1.0, passwordChecks() - before, "a password of an unknown account: one bcrypt check");
        }

        // Then on to the block, one account at a time (the block after the sixth failure lasts one second).
        knownAttempts.addAll(failUntilRefused(known)); // 1 failure
        unknownAttempts.addAll(failUntilRefused(unknown)); // 1 failure

        assertEquals(BLOCKED_SEQUENCE, statuses(knownAttempts), "a known account");
        assertEquals(statuses(knownAttempts), statuses(unknownAttempts), "an unknown account answers the same");
        for (int i = 0; i < knownAttempts.size(); i++) {
            Response k = knownAttempts.get(i).response();
            Response u = unknownAttempts.get(i).response();
            assertEquals(k.asString(), u.asString(), "the same body at attempt " + (i + 1));
            assertEquals(k.getHeader("WWW-Authenticate"), u.getHeader("WWW-Authenticate"));
            assertEquals(k.getHeader("Retry-After"), u.getHeader("Retry-After"));
        }
        assertTooManyRequestsInTheRegistryShape(last(unknownAttempts).response());
    }

    /**
     * One address failing more than its allowance is refused for every account from there, the right password
     * included, while other addresses go on. The attempts come from a loopback address of their own (so the suite's
     * 127.0.0.1 keeps its allowance) as unknown application tokens: each a failure of the address, checked by a
     * keyed hash, no bcrypt.
     */
    @Test
    void anAddressFailingBeyondItsAllowanceIsRefusedForEveryAccount() throws Exception {
        int free = ConfigProvider.getConfig().getValue("portcullis.login.free-failures-per-address", Integer.class);
        InetAddress from = InetAddress.getByName("127.0.0." + (10 + SEQUENCE.incrementAndGet() % 200));
        String user = TestUsers.create("addr");
        String basic = Base64.getEncoder().encodeToString((user + ":" + TestUsers.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        String self = "/api/v1/users/" + user;
        assertEquals(200, status(from, self, "Basic " + basic), "the right password from there, before");
        for (int i = 0; i <= free; i++) {
            assertEquals(401, status(from, self, "Bearer pcat_not-a-token-" + i), "failure " + (i + 1));
        }
        assertEquals(429, status(from, self, "Bearer pcat_not-a-token"));
        assertEquals(429, status(from, self, "Basic " + basic), "the right password from there: refused, unchecked");
        assertEquals(200, given().auth().preemptive().basic(user, TestUsers.PASSWORD).get("/api/v1/users/{u}", user)
                .statusCode(), "the same account from another address");
    }

    /** The status of a GET sent from the local address {@code from}. */
    static int status(InetAddress from, String path, String authorization) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port, from, 0)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + authorization + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(line.split(" ")[1]);
        }
    }

    double passwordChecks() {
        return meters.counter("portcullis.password.checks").count();
    }

    @AfterAll
    static void stayedWithinTheSharedFailureBudget() {
        assertTrue(FAILURES.get() <= FAILURE_BUDGET, FAILURES.get() + " failed logins from 127.0.0.1, more than "
                + FAILURE_BUDGET + ": other test classes share the address's allowance of 50");
    }
}
