package dev.portcullis.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UsersResourceTest {

    static io.restassured.specification.RequestSpecification asAdmin() {
        return given().auth().preemptive().basic(TestUsers.ADMIN, TestUsers.ADMIN_PASSWORD).contentType(ContentType.JSON);
    }

    @Test
    void anAdminCreatesAUserWithAPersonalNamespace() {
        asAdmin().body(Map.of("username", "dora", "password", "long-enough-pw", "email", "dora@example.com"))
                .post("/api/v1/users")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/users/dora"))
                .body("username", equalTo("dora"))
                .body("admin", equalTo(false))
                .body(not(containsString("password")));
        given().queryParam("service", "registry.test").queryParam("scope", "repository:dora/x:push")
                .auth().preemptive().basic("dora", "long-enough-pw")
                .get("/v2/token").then().statusCode(200);
    }

    @Test
    void aTakenNameIsAConflict() {
        String name = TestUsers.create("erin");
        asAdmin().body(Map.of("username", name, "password", "long-enough-pw"))
                .post("/api/v1/users")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("taken"));
    }

    @Test
    void namesMustFollowTheRegistryGrammar() {
        for (String bad : new String[] {"Frank", "frank/x", "-frank", "fr..ank", "", "a".repeat(65), "frank:5000"}) {
            asAdmin().body(Map.of("username", bad, "password", "long-enough-pw"))
                    .post("/api/v1/users")
                    .then().statusCode(422).contentType("application/problem+json");
        }
    }

    @Test
    void missingFieldsAndBrokenJsonAreClearErrors() {
        asAdmin().body(Map.of("username", "gina")).post("/api/v1/users")
                .then().statusCode(422).body("detail", containsString("password"));
        asAdmin().body(Map.of("username", "gina", "password", "short")).post("/api/v1/users")
                .then().statusCode(422);
        asAdmin().body("{not json").post("/api/v1/users")
                .then().statusCode(400).contentType("application/problem+json")
                .body(not(containsString("Exception")));
    }

    @Test
    void onlyAdminsCreateUsers() {
        String user = TestUsers.create("hank");
        given().auth().preemptive().basic(user, TestUsers.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("username", "ivan", "password", "long-enough-pw"))
                .post("/api/v1/users")
                .then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", "ivan", "password", "long-enough-pw"))
                .post("/api/v1/users")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic(TestUsers.ADMIN, "wrong-password").contentType(ContentType.JSON)
                .body(Map.of("username", "ivan", "password", "long-enough-pw"))
                .post("/api/v1/users")
                .then().statusCode(401);
    }
}
