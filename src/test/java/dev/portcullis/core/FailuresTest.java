package dev.portcullis.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonParseException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.event.ObserverException;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one classifier as a table: each kind of error, what it becomes on the wire whatever face answers. */
class FailuresTest {

    static final Map<String, String> BASIC = Map.of("WWW-Authenticate", "Basic realm=\"Portcullis\"");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Refusal.malformed("bad scope"), 400, "UNSUPPORTED", "bad scope", Map.of()),
                Arguments.of(Refusal.unauthenticated("who?"), 401, "UNAUTHORIZED", "who?", BASIC),
                Arguments.of(Refusal.forbidden("no"), 403, "DENIED", "no", Map.of()),
                Arguments.of(Refusal.notFound("none"), 404, "NOT_FOUND", "none", Map.of()),
                Arguments.of(Refusal.conflict("taken"), 409, "CONFLICT", "taken", Map.of()),
                Arguments.of(Refusal.invalid("too short"), 422, "UNSUPPORTED", "too short", Map.of()),
                Arguments.of(Refusal.throttled("wait", Duration.ofSeconds(8)), 429, "TOOMANYREQUESTS", "wait",
                        Map.of("Retry-After", "8")),
                Arguments.of(Refusal.throttled("wait", Duration.ofMillis(300)), 429, "TOOMANYREQUESTS", "wait",
                        Map.of("Retry-After", "1")),
                Arguments.of(Refusal.unavailable("later"), 503, "UNAVAILABLE", "later", Map.of("Retry-After", "1")),
                Arguments.of(new AuthenticationFailedException(Refusal.throttled("slow down", Duration.ofSeconds(2))),
                        429, "TOOMANYREQUESTS", "slow down", Map.of("Retry-After", "2")),
                Arguments.of(new AuthenticationFailedException(), 401, "UNAUTHORIZED", "invalid credentials", BASIC),
                Arguments.of(new UnauthorizedException(), 401, "UNAUTHORIZED", "authentication required", BASIC),
                Arguments.of(new ForbiddenException(), 403, "DENIED", "not allowed for this account", Map.of()),
                Arguments.of(new org.hibernate.exception.ConstraintViolationException("dup", null, "uq"), 409,
                        "CONFLICT", "the name is taken", Map.of()),
                Arguments.of(new JsonParseException(null, "x"), 400, "UNSUPPORTED",
                        "the request body is not valid JSON of the expected shape", Map.of()),
                Arguments.of(new NotFoundException(), 404, "NOT_FOUND", "Not Found", Map.of()),
                Arguments.of(new NotAllowedException("GET"), 405, "UNSUPPORTED", "Method Not Allowed", Map.of()),
                Arguments.of(new SQLTransientConnectionException("down"), 503, "UNAVAILABLE",
                        "the database is unavailable, retry later", Map.of("Retry-After", "1")),
                Arguments.of(new PersistenceException(new SQLException("gone")), 503, "UNAVAILABLE",
                        "the database is unavailable, retry later", Map.of("Retry-After", "1")),
                // A CDI observer's failure (the catalog writer late behind a namespace's removal) keeps its kind.
                Arguments.of(new ObserverException(new SQLException("the catalog writer did not commit in time",
                        "08000")), 503, "UNAVAILABLE", "the database is unavailable, retry later",
                        Map.of("Retry-After", "1")),
                Arguments.of(new ObserverException(Refusal.conflict("taken")), 409, "CONFLICT", "taken", Map.of()),
                Arguments.of(new PersistenceException(new SQLSyntaxErrorException("typo")), 500, "UNKNOWN",
                        "unexpected error, see the server log", Map.of()),
                Arguments.of(new IllegalStateException("a bug"), 500, "UNKNOWN", "unexpected error, see the server log",
                        Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifies(Throwable error, int status, String code, String detail, Map<String, String> headers) {
        Failure failure = Failures.classify(error);
        assertEquals(status, failure.status());
        assertEquals(code, failure.code());
        assertEquals(detail, failure.detail());
        assertEquals(headers, failure.headers());
    }

    @Test
    void anUnsupportedGrantAnswersInTheShapeOfOAuthTwo() {
        Failure failure = Failures.classify(Refusal.unsupportedGrant());
        assertEquals(400, failure.status());
        assertEquals("unsupported_grant_type", failure.oauthError());
        assertEquals(Map.of("error", "unsupported_grant_type"), ErrorMapper.registry(failure).getEntity());
    }
}
