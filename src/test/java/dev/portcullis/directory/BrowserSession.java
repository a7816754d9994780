package dev.portcullis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does over HTTP, without a browser: one cookie jar for the application and Keycloak, redirects
 * followed by hand so the test sees every hop, and Keycloak's login form filled in and posted.
 */
final class BrowserSession {

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    final String app;
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    /**
     * Keycloak marks its cookies Secure; browsers send those to http://127.0.0.1 too (loopback is a trustworthy
     * origin), Java's cookie manager only over https. So the attribute is dropped on the way in.
     */
    private final CookieHandler loopback = new CookieHandler() {
        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            return cookies.get(uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            Map<String, List<String>> plain = new LinkedHashMap<>();
            headers.forEach((name, values) -> plain.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
                    ? values.stream().map(v -> v.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
            cookies.put(uri, plain);
        }
    };
    private final HttpClient http;
    /** Every URL requested, in order. */
    final List<String> visited = new ArrayList<>();

    BrowserSession(int appPort) {
        this.app = "http://127.0.0.1:" + appPort;
        this.http = HttpClient.newBuilder().cookieHandler(loopback).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(absolute(url)).GET());
    }

    HttpResponse<String> post(String url, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(absolute(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Follows redirects from {@code first} until a page is drawn; answers that page. */
    HttpResponse<String> follow(HttpResponse<String> first) {
        HttpResponse<String> response = first;
        for (int hops = 0; hops < 10 && isRedirect(response); hops++) {
            response = get(location(response));
        }
        return response;
    }

    /**
     * "Sign in with Keycloak" from the sign-in page: the application's redirect to the provider (with PKCE), its
     * login form with the person's password, and back through the application's callback.
     *
     * @return the page the browser lands on
     */
    HttpResponse<String> signInWithIdp(String username, String password) {
        HttpResponse<String> toIdp = get("/auth/oidc");
        assertEquals(302, toIdp.statusCode(), "the OIDC tenant sends the browser to the provider");
        String authorize = location(toIdp);
        assertTrue(authorize.contains("/protocol/openid-connect/auth") && authorize.contains("code_challenge=")
                && authorize.contains("code_challenge_method=S256"), "authorization code flow with PKCE: " + authorize);
        HttpResponse<String> loginPage = get(authorize);
        assertEquals(200, loginPage.statusCode(), "Keycloak's login form");
        Matcher form = LOGIN_FORM.matcher(loginPage.body());
        assertTrue(form.find(), "Keycloak's login form: " + loginPage.body());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", username);
        fields.put("password", password);
        fields.put("credentialId", "");
        return follow(post(form.group(1).replace("&amp;", "&"), fields));
    }

    /** The CSRF token of a page's forms. */
    static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF_FIELD.matcher(page.body());
        assertTrue(m.find(), "a form with a CSRF token on " + page.uri());
        return m.group(1);
    }

    static boolean isRedirect(HttpResponse<String> response) {
        int status = response.statusCode();
        return status == 301 || status == 302 || status == 303 || status == 307;
    }

    String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() ->
                new AssertionError(response.statusCode() + " without Location from " + response.uri()));
        return response.uri().resolve(location).toString();
    }

    /** The path and query of the last URL requested. */
    String lastPath() {
        URI last = URI.create(visited.get(visited.size() - 1));
        return last.getRawQuery() == null ? last.getRawPath() : last.getRawPath() + "?" + last.getRawQuery();
    }

    private URI absolute(String url) {
        return URI.create(url.startsWith("/") ? app + url : url);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        visited.add(built.uri().toString());
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + built.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
