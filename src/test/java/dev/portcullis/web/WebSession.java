package dev.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser's cookies for rest-assured: signs in through the real form, keeps the session and CSRF cookies. */
final class WebSession {

    static final String SESSION = "portcullis-session";
    static final String CSRF = "portcullis-csrf";
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    final Map<String, String> cookies = new HashMap<>();

    /** Signs in with the form, as a browser does; fails the test unless the session cookie comes back. */
    static WebSession signIn(String username, String password) {
        WebSession session = new WebSession();
        Response answer = signInForm().formParam("j_username", username).formParam("j_password", password)
                .post("/j_security_check");
        assertTrue(answer.statusCode() == 302 || answer.statusCode() == 303, () -> "sign-in answered "
                + answer.statusCode() + " " + answer.headers());
        session.keep(answer);
        assertNotNull(session.cookies.get(SESSION), () -> "no session cookie: " + answer.headers());
        return session;
    }

    /** A sign-in form as the sign-in page hands it out: the CSRF cookie it sets and the matching hidden field. */
    static RequestSpecification signInForm() {
        Response page = given().get("/login");
        page.then().statusCode(200);
        Matcher m = CSRF_FIELD.matcher(page.asString());
        assertTrue(m.find(), "no CSRF field on /login");
        assertNotNull(page.getCookie(CSRF), () -> "no CSRF cookie from /login: " + page.headers());
        return given().redirects().follow(false).cookie(CSRF, page.getCookie(CSRF)).formParam("csrf-token", m.group(1));
    }

    RequestSpecification request() {
        return given().redirects().follow(false).cookies(cookies);
    }

    /** GET a page, keeping the cookies it sets. */
    Response get(String path) {
        Response answer = request().get(path);
        keep(answer);
        return answer;
    }

    /** The CSRF token a page's forms carry (fetching {@code page} first). */
    String csrfToken(String page) {
        String html = get(page).then().statusCode(200).extract().asString();
        Matcher m = CSRF_FIELD.matcher(html);
        assertTrue(m.find(), () -> "no CSRF field on " + page);
        return m.group(1);
    }

    /** POST a form with the CSRF token of {@code page}. */
    Response post(String page, String path, Object... namesAndValues) {
        String token = csrfToken(page); // first: fetching the page may set the CSRF cookie the post must carry
        RequestSpecification request = request().formParam("csrf-token", token).header("Referer", page);
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            request.formParam((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        Response answer = request.post(path);
        keep(answer);
        return answer;
    }

    void keep(Response answer) {
        answer.getDetailedCookies().forEach(c -> {
            if (c.getMaxAge() == 0) {
                cookies.remove(c.getName());
            } else {
                cookies.put(c.getName(), c.getValue());
            }
        });
    }
}
