package dev.portcullis.bench;

import static io.restassured.RestAssured.given;

import dev.portcullis.access.directory.DirectorySync;
import dev.portcullis.directory.LdapProfile;
import dev.portcullis.directory.SlapdResource;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What a token request costs for a directory user next to a local one, one request at a time from this JVM: a local
 * password after its first bcrypt (cached), a directory password the first time in a sync interval (search as the
 * service account, bind as the person over StartTLS, read the groups, bring the account and its teams up to date),
 * and the same password again (cached: no directory call). Debian's slapd on loopback, so a real directory across a
 * network adds its round trips to "first". Run with {@code bench/directory.sh}.
 */
@QuarkusTest
@TestProfile(LdapProfile.class)
class DirectoryTokenBench {

    static final int ROUNDS = Integer.getInteger("bench.rounds", 300);

    @Inject
    DirectorySync sync;

    @Test
    void tokenRequestCost() {
        String local = TestUsers.create("bench");
        token(local, TestUsers.PASSWORD);
        token("alice", SlapdResource.PASSWORD);
        for (int i = 0; i < 100; i++) { // warm-up of every path
            token(local, TestUsers.PASSWORD);
            token("alice", SlapdResource.PASSWORD);
        }
        long[] localCached = new long[ROUNDS];
        long[] directoryFirst = new long[ROUNDS];
        long[] directoryCached = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            sync.run(); // forgets the verified directory password: the next request binds
            directoryFirst[i] = timed("alice", SlapdResource.PASSWORD);
            directoryCached[i] = timed("alice", SlapdResource.PASSWORD);
            localCached[i] = timed(local, TestUsers.PASSWORD);
        }
        System.out.printf(Locale.ROOT, "%ncase                         median    mean     p90   (%d sequential requests each,"
                + " rest-assured in the test JVM)%n", ROUNDS);
        print("local password (cached)", localCached);
        print("directory password, first", directoryFirst);
        print("directory password, cached", directoryCached);
    }

    private static void print(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf(Locale.ROOT, "case %-26s %5.2f ms %5.2f ms %5.2f ms%n", name, sorted[sorted.length / 2] / 1e6,
                mean, sorted[(int) (sorted.length * 0.9)] / 1e6);
    }

    private static long timed(String user, String password) {
        long start = System.nanoTime();
        token(user, password);
        return System.nanoTime() - start;
    }

    private static void token(String user, String password) {
        given().auth().preemptive().basic(user, password).queryParam("service", "registry.test")
                .queryParam("scope", "repository:" + user + "/app:pull,push").get("/v2/token").then().statusCode(200);
    }
}
