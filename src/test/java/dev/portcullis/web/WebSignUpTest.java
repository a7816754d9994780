package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sign-up switched on, with the first account as admin and no configured admin: the one test profile of the suite.
 * Quarkus restarts for it, and its test resources with it: a fresh MariaDB without anybody in it, which the first
 * test needs. (With sign-up off, the default, {@code WebSecurityTest} checks that there is no such page.)
 */
@QuarkusTest
@TestProfile(WebSignUpTest.SignUpOn.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebSignUpTest {

    /** Few free failures per address, so that the throttle's turn comes within a test. */
    static final int FREE_PER_ADDRESS = 30;
    static final String PASSWORD = "sign-up-password";
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public static class SignUpOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portcullis.signup.enabled", "true",
                    "portcullis.signup.first-user-admin", "true",
                    // No configured admin: the first account signed up is the first admin.
                    "portcullis.admin.username", "",
                    "portcullis.admin.password", "",
                    "portcullis.login.free-failures-per-address", Integer.toString(FREE_PER_ADDRESS));
        }
    }

    static String unique(String prefix) {
        return prefix + System.nanoTime() % 100_000 + "s" + SEQUENCE.incrementAndGet();
    }

    /** The sign-up form as a browser sends it: the CSRF cookie of the page and its hidden field. */
    static Response signUp(String username, String email, String password, String repeat) {
        Response page = given().get("/signup");
        page.then().statusCode(200);
        Matcher csrf = CSRF_FIELD.matcher(page.asString());
        assertTrue(csrf.find(), "no CSRF field on /signup");
        return given().redirects().follow(false).cookie(WebSession.CSRF, page.getCookie(WebSession.CSRF))
                .formParam("csrf-token", csrf.group(1)).formParam("username", username).formParam("email", email)
                .formParam("password", password).formParam("repeat", repeat).post("/signup");
    }

    static boolean isAdmin(String username) {
        return given().auth().preemptive().basic(username, PASSWORD).get("/api/v1/users/{u}", username)
                .then().statusCode(200).extract().path("admin");
    }

    @Test
    @Order(1)
    void ofSignUpsAtOnceOnAnEmptyInstanceExactlyOneBecomesAdmin() throws Exception {
        int count = 6;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(unique("first"));
        }
        // Each thread fetches its form first, then all post together.
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String name : names) {
                answers.add(pool.submit((Callable<Integer>) () -> {
                    Response page = given().get("/signup");
                    Matcher csrf = CSRF_FIELD.matcher(page.asString());
                    assertTrue(csrf.find());
                    var form = given().redirects().follow(false)
                            .cookie(WebSession.CSRF, page.getCookie(WebSession.CSRF))
                            .formParam("csrf-token", csrf.group(1)).formParam("username", name)
                            .formParam("email", name + "@example.com").formParam("password", PASSWORD)
                            .formParam("repeat", PASSWORD);
                    ready.countDown();
                    go.await();
                    return form.post("/signup").statusCode();
                }));
            }
            ready.await();
            go.countDown();
            for (Future<Integer> answer : answers) {
                assertEquals(303, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> admins = names.stream().filter(WebSignUpTest::isAdmin).toList();
        assertEquals(1, admins.size(), () -> "admins among " + names + ": " + admins);

        // Somebody exists now: later sign-ups are plain users.
        String later = unique("later");
        signUp(later, later + "@example.com", PASSWORD, PASSWORD).then().statusCode(303);
        assertEquals(false, isAdmin(later));
    }

    @Test
    @Order(2)
    void theSignInPageLinksToTheFormWhichCreatesAPlainUserWhoThenSignsIn() {
        given().get("/login").then().statusCode(200).body(containsString("href=\"/signup\""));
        String name = unique("alice");
        Response created = signUp(name, name + "@example.com", PASSWORD, PASSWORD);
        created.then().statusCode(303).header("Location", containsString("/login?created=true"));
        given().get("/login?created=true").then().body(containsString("Your account is ready"));
        given().auth().preemptive().basic(name, PASSWORD).get("/api/v1/users/{u}", name).then().statusCode(200)
                .body("admin", equalTo(false)).body("bot", equalTo(false))
                .body("email", equalTo(name + "@example.com"));
        // A person like any other: a personal namespace, and a web session through the sign-in form.
        given().auth().preemptive().basic(name, PASSWORD).get("/api/v1/namespaces/{n}", name).then().statusCode(200);
        WebSession.signIn(name, PASSWORD).get("/").then().statusCode(200).body(containsString(name));
    }

    @Test
    @Order(3)
    void refusalsAreExplainedInTheFormWhichKeepsWhatWasTyped() {
        String name = unique("bob");
        signUp(name, name + "@example.com", PASSWORD, PASSWORD).then().statusCode(303);

        // The API's rules, the API's words; the name and email stay in the form, the passwords do not.
        signUp(name, "other@example.com", PASSWORD, PASSWORD).then().statusCode(409)
                .contentType(containsString("text/html")).body(containsString("The name &#39;" + name + "&#39; is taken"))
                .body(containsString("value=\"other@example.com\"")).body(not(containsString(PASSWORD)));
        signUp("Not A <Name>", "x@example.com", PASSWORD, PASSWORD).then().statusCode(422)
                .body(containsString("Username must be")).body(containsString("value=\"Not A &lt;Name&gt;\""))
                .body(not(containsString("<Name>")));
        String other = unique("carol");
        signUp(other, other + "@example.com", "short", "short").then().statusCode(422)
                .body(containsString("Password must be 8 characters"));
        signUp(other, other + "@example.com", PASSWORD, PASSWORD + "x").then().statusCode(422)
                .body(containsString("repetition differ"));
        signUp(other, "not-an-email", PASSWORD, PASSWORD).then().statusCode(422)
                .body(containsString("Email is not an email address"));
        given().auth().preemptive().basic(other, PASSWORD).get("/api/v1/users/{u}", other).then().statusCode(401);

        // A form without its CSRF token creates nothing.
        given().redirects().follow(false).formParam("username", other).formParam("email", other + "@example.com")
                .formParam("password", PASSWORD).formParam("repeat", PASSWORD).post("/signup").then().statusCode(400);
        given().auth().preemptive().basic(other, PASSWORD).get("/api/v1/users/{u}", other).then().statusCode(401);
    }

    /** Last: it leaves this address blocked for a while (sign-ups count as failed sign-ins do). */
    @Test
    @Order(4)
    void oneAddressCannotSignUpInBulk() {
        Response answer = null;
        for (int i = 0; i <= FREE_PER_ADDRESS + 2; i++) {
            String name = unique("bulk");
            answer = signUp(name, name + "@example.com", "short", "short");
            if (answer.statusCode() == 429) {
                break;
            }
            answer.then().statusCode(422);
        }
        answer.then().statusCode(429).header("Retry-After", not(equalTo(null)))
                .body(containsString("Too many attempts from your address"));
    }
}
