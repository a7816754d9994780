package dev.portcullis.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Accounts for tests, created through the real API as the bootstrap admin. */
public final class TestUsers {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-password";
    public static final String PASSWORD = "correct-horse-battery";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestUsers() {
    }

    /** A new user with a unique name starting with {@code prefix}, and the password {@link #PASSWORD}. */
    public static String create(String prefix) {
        String name = prefix + System.nanoTime() % 100_000 + "x" + SEQUENCE.incrementAndGet();
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD)
                .contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", PASSWORD, "email", name + "@example.com"))
                .post("/api/v1/users")
                .then().statusCode(201);
        return name;
    }
}
