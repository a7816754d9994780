package dev.portcullis.access;

import static dev.portcullis.access.AccessApi.addMember;
import static dev.portcullis.access.AccessApi.asAdmin;
import static dev.portcullis.access.AccessApi.createNamespace;
import static dev.portcullis.access.AccessApi.createTeam;
import static dev.portcullis.access.AccessApi.granted;
import static dev.portcullis.access.AccessApi.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Credentials and namespace facts are cached for one value of the access epoch: a repeated token request reads
 * neither again, and every access change, made here or by another replica through the database, is seen at the
 * next request.
 */
@QuarkusTest
class AccessCacheTest {

    @Inject
    MeterRegistry meters;

    @Inject
    AgroalDataSource dataSource;

    private double loads(String cache) {
        return meters.get("portcullis.access.cache.loads").tag("cache", cache).functionCounter().count();
    }

    private double epochReads() {
        return meters.get("portcullis.access.epoch.reads").functionCounter().count();
    }

    @Test
    void aTokenAndItsNamespaceAreReadOncePerEpochWhileEveryRequestReadsTheEpoch() {
        String user = TestUsers.create("cached");
        assertEquals(List.of("pull", "push"), granted(user, "repository:" + user + "/first:pull,push"));
        double tokens = loads("application-tokens");
        double facts = loads("namespace-facts");
        double reads = epochReads();

        for (int i = 0; i < 10; i++) {
            assertEquals(List.of("pull", "push"), granted(user, "repository:" + user + "/app" + i + ":pull,push"));
        }

        assertEquals(tokens, loads("application-tokens"), "the application token came from the cache");
        assertEquals(facts, loads("namespace-facts"), "the namespace's facts came from the cache");
        assertTrue(epochReads() - reads >= 10, "each request read the epoch: " + (epochReads() - reads));
    }

    @Test
    void aRevokedTokenStopsAtTheNextRequest() {
        String user = TestUsers.create("revoked");
        Map<String, Object> created = asAdmin().body(Map.of("name", "ci"))
                .post("/api/v1/users/{u}/application-tokens", user).then().statusCode(201).extract().jsonPath()
                .getMap("");
        String secret = (String) created.get("token");
        String scope = "repository:" + user + "/app:pull";
        token(user, secret, scope).then().statusCode(200);
        token(user, secret, scope).then().statusCode(200); // now cached

        asAdmin().delete("/api/v1/users/{u}/application-tokens/{id}", user, created.get("id")).then().statusCode(204);

        token(user, secret, scope).then().statusCode(401);
    }

    @Test
    void aRemovedMemberLosesPushAtTheNextRequest() {
        String owner = TestUsers.create("owner");
        String member = TestUsers.create("member");
        String team = createTeam(owner);
        addMember(team, owner, member, "contributor");
        String scope = "repository:" + team + "/app:pull,push";
        assertEquals(List.of("pull", "push"), granted(member, scope));
        assertEquals(List.of("pull", "push"), granted(member, scope)); // now cached

        AccessApi.as(owner).delete("/api/v1/teams/{t}/members/{u}", team, member).then().statusCode(204);

        assertEquals(List.of(), granted(member, scope));
    }

    @Test
    void aDisabledAccountStopsAtTheNextRequestWithItsPasswordAndItsTokens() {
        String user = TestUsers.create("disabled");
        String scope = "repository:" + user + "/app:pull";
        token(user, TestUsers.PASSWORD, scope).then().statusCode(200);
        token(user, AccessApi.secret(user), scope).then().statusCode(200);

        AccessApi.patch(asAdmin(), AccessApi.MERGE_PATCH, "{\"enabled\":false}", "/api/v1/users/{u}", user)
                .then().statusCode(200);

        token(user, TestUsers.PASSWORD, scope).then().statusCode(403);
        token(user, AccessApi.secret(user), scope).then().statusCode(403);
    }

    @Test
    void aChangeThatAnotherReplicaCommitsIsSeenOnceItRaisesTheEpoch() throws Exception {
        String owner = TestUsers.create("replica");
        String team = createTeam(owner);
        String namespace = createNamespace(owner, team, "private");
        String scope = "repository:" + namespace + "/app:pull";
        assertEquals(List.of(), granted(null, scope));
        assertEquals(List.of(), granted(null, scope)); // now cached

        // What another replica's change leaves in the database: the row, without a raise (the cache still answers,
        // which shows it is in use), then the raise its transaction makes with every access change.
        sql("UPDATE namespaces SET visibility = 'PUBLIC' WHERE name = ?", namespace);
        assertEquals(List.of(), granted(null, scope), "the cache answers while the epoch stands");
        sql("UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 1");

        assertEquals(List.of("pull"), granted(null, scope));
    }

    private void sql(String statement, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
