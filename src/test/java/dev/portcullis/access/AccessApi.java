package dev.portcullis.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testsupport.TestUsers;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls the access API tests share: requests as a user, registry tokens decoded to their granted actions,
 * and the shape every error must have. Teams and namespaces get unique names because all test classes share
 * one database.
 */
final class AccessApi {

    static final String SERVICE = "registry.test";
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Map<String, String> SECRETS = new HashMap<>();

    private AccessApi() {
    }

    /** A name no test has used; the dashes keep it apart from {@link TestUsers}' user names. */
    static String unique(String prefix) {
        return prefix + "-" + System.nanoTime() % 100_000 + "-" + SEQUENCE.incrementAndGet();
    }

    /**
     * What {@code user} signs in with: an application token of theirs, used as the HTTP Basic password (as
     * {@code docker login} does). A password costs a bcrypt (cost 12) on every request, which would make these
     * tests take minutes; a token is checked with a keyed hash and carries exactly its owner's rights.
     */
    static synchronized String secret(String user) {
        String secret = SECRETS.get(user);
        if (secret == null) {
            RequestSpecification creator = TestUsers.ADMIN.equals(user)
                    ? given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD)
                    : given().auth().preemptive().basic(TestUsers.ADMIN, secret(TestUsers.ADMIN));
            secret = creator.contentType(ContentType.JSON).body(Map.of("name", "api tests"))
                    .post("/api/v1/users/{user}/application-tokens", user)
                    .then().statusCode(201).extract().path("token");
            SECRETS.put(user, secret);
        }
        return secret;
    }

    /** A JSON request signed in as {@code user} with HTTP Basic. */
    static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, secret(user)).contentType(ContentType.JSON);
    }

    static RequestSpecification asAdmin() {
        return as(TestUsers.ADMIN);
    }

    /** A JSON request without credentials. */
    static RequestSpecification anonymous() {
        return given().contentType(ContentType.JSON);
    }

    /** A PATCH with {@code json} as the body, sent with {@code contentType}. */
    static Response patch(RequestSpecification request, String contentType, String json, String path, Object... args) {
        return request.contentType(contentType).body(json).patch(path, args);
    }

    /** A JSON object from alternating keys and values; unlike {@link Map#of} it keeps nulls and order. */
    static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }

    /**
     * Checks an error answer: {@code application/problem+json} with the status, a title and a detail in words,
     * and nothing of the implementation (class names, exception names, stack frames).
     */
    static ValidatableResponse problem(Response response, int status) {
        return response.then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()))
                .body(not(containsString("Exception")))
                .body(not(containsString("dev.portcullis")))
                .body(not(containsString("java.")))
                .body(not(containsString("\tat ")));
    }

    /** A new team created by {@code owner} (which also creates its namespace, private). */
    static String createTeam(String owner) {
        String name = unique("team");
        as(owner).body(Map.of("name", name)).post("/api/v1/teams").then().statusCode(201);
        return name;
    }

    static void addMember(String team, String owner, String user, String role) {
        as(owner).body(Map.of("username", user, "role", role)).post("/api/v1/teams/{team}/members", team)
                .then().statusCode(201);
    }

    /** A new namespace of {@code team}, created by one of its owners. */
    static String createNamespace(String owner, String team, String visibility) {
        String name = unique("ns");
        as(owner).body(Map.of("name", name, "team", team, "visibility", visibility)).post("/api/v1/namespaces")
                .then().statusCode(201);
        return name;
    }

    /** A registry token for one scope, for {@code user} signing in with {@code secret} (anonymous when null). */
    static Response token(String user, String secret, String scope) {
        RequestSpecification request = given().queryParam("service", SERVICE).queryParam("scope", scope);
        if (user != null) {
            request = request.auth().preemptive().basic(user, secret);
        }
        return request.get("/v2/token");
    }

    /** The actions the registry token grants {@code user} (anonymous when null) for one scope. */
    static List<String> granted(String user, String scope) {
        return actions(token(user, user == null ? null : secret(user), scope));
    }

    /** The same, signing in with the password as {@code docker login -u user} would. */
    static List<String> grantedWithPassword(String user, String scope) {
        return actions(token(user, TestUsers.ADMIN.equals(user) ? TestUsers.ADMIN_PASSWORD : TestUsers.PASSWORD,
                scope));
    }

    private static List<String> actions(Response tokenResponse) {
        String jwt = tokenResponse.then().statusCode(200).extract().path("token");
        JsonNode access = claims(jwt).get("access");
        assertEquals(1, access.size(), "one access entry per requested scope: " + access);
        List<String> actions = new ArrayList<>();
        access.get(0).get("actions").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every item of a paginated list {@code path} as {@code user} sees it (anonymous when null), following
     * {@code next} with pages of {@code limit}; fails if a cursor repeats.
     */
    static List<Map<String, Object>> all(String user, String path, int limit) {
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> cursors = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = (user == null ? anonymous() : as(user)).queryParam("limit", limit);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(path).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> pageItems = page.getList("items");
            if (pageItems.size() > limit) {
                throw new AssertionError("a page of " + pageItems.size() + " items with limit " + limit);
            }
            items.addAll(pageItems);
            cursor = page.getString("next");
            if (cursor != null && cursors.contains(cursor)) {
                throw new AssertionError("cursor " + cursor + " came back twice");
            }
            cursors.add(cursor);
        } while (cursor != null);
        return items;
    }

    static List<String> names(List<Map<String, Object>> items) {
        return items.stream().map(i -> (String) i.get("name")).toList();
    }

    /** The newest activities of one action that {@code user} sees. */
    static List<Map<String, Object>> activities(String user, String action) {
        return as(user).queryParam("action", action).queryParam("limit", 200).get("/api/v1/activities")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }
}
