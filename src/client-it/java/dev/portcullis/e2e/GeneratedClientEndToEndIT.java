package dev.portcullis.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.client.ApiClient;
import dev.portcullis.client.ApiException;
import dev.portcullis.client.api.ActivitiesApi;
import dev.portcullis.client.api.ApplicationTokensApi;
import dev.portcullis.client.api.NamespacesApi;
import dev.portcullis.client.api.RepositoriesApi;
import dev.portcullis.client.api.TeamsApi;
import dev.portcullis.client.api.UsersApi;
import dev.portcullis.client.model.ActivityView;
import dev.portcullis.client.model.CreatedTokenView;
import dev.portcullis.client.model.MemberView;
import dev.portcullis.client.model.NamespacePatch;
import dev.portcullis.client.model.NamespaceView;
import dev.portcullis.client.model.NewMember;
import dev.portcullis.client.model.NewNamespace;
import dev.portcullis.client.model.NewTeam;
import dev.portcullis.client.model.NewToken;
import dev.portcullis.client.model.NewUser;
import dev.portcullis.client.model.Problem;
import dev.portcullis.client.model.RepositoryDetailView;
import dev.portcullis.client.model.TagView;
import dev.portcullis.client.model.TeamView;
import dev.portcullis.client.model.UserView;
import dev.portcullis.testsupport.GuardedRegistry;
import dev.portcullis.testsupport.OciImage;
import dev.portcullis.testsupport.RegistryProcess;
import dev.portcullis.testsupport.Skopeo;
import dev.portcullis.testsupport.TestUsers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document, used as operators use it: a Java client generated from it (openapi-generator, library
 * apache-httpclient, from {@code target/openapi/openapi.json}, the document {@code ./mvnw package} stored; see the
 * pom's profile generated-client) provisions a user, a team, a namespace and a token limited to it, reads the feed,
 * and the token pushes through Debian's registry guarded by Portcullis. No hand-written HTTP touches the API here:
 * credentials go where the document's security says, bodies and answers are the document's schemas, and the client
 * refuses any member of an answer the document does not declare. So when the document and the API disagree, this
 * test fails, and it first proves that the file the client came from is the document the application serves.
 */
@QuarkusTest
class GeneratedClientEndToEndIT {

    static final Path STORED = Path.of("target/openapi/openapi.json");
    static final String PROBLEM_JSON = "application/problem+json";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static Path work;
    static RegistryProcess registry;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @BeforeEach
    void startRegistry() throws IOException {
        // RestAssured knows the random test port only once a test runs, so not in @BeforeAll.
        if (registry == null) {
            work = Files.createTempDirectory("portcullis-client-e2e");
            registry = GuardedRegistry.start(work);
        }
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void theClientIsGeneratedFromTheDocumentTheApplicationServes() throws IOException {
        String served = given().baseUri(management.getProtocol() + "://" + management.getHost())
                .port(management.getPort()).queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString();
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(STORED.toFile()), json.readTree(served),
                STORED + " (written by ./mvnw package, the client's source) differs from what /q/openapi serves");
    }

    @Test
    void anOperatorProvisionsAnAccountWhoseLimitedTokenPushes() throws Exception {
        // The bootstrap admin signs in once with its password (HTTP Basic) to get a token for the rest (Bearer).
        ApiClient withPassword = client().setUsername(TestUsers.ADMIN).setPassword(TestUsers.ADMIN_PASSWORD);
        CreatedTokenView adminToken = new ApplicationTokensApi(withPassword)
                .createApplicationToken(TestUsers.ADMIN, new NewToken().name("provisioning"));
        ApiClient admin = client().setBearerToken(adminToken.getToken());

        String username = unique("dev");
        UserView user = new UsersApi(admin).createUser(new NewUser().username(username)
                .password(TestUsers.PASSWORD).email(username + "@example.com").displayName("Dev " + username));
        assertEquals(username, user.getUsername());
        assertTrue(user.getEnabled(), () -> "a new account is enabled: " + user);

        String team = unique("team");
        TeamView created = new TeamsApi(admin).createTeam(new NewTeam().name(team).description("made by a client"));
        assertEquals(team, created.getName());
        MemberView member = new TeamsApi(admin).addTeamMember(team,
                new NewMember().username(username).role(NewMember.RoleEnum.CONTRIBUTOR));
        assertEquals("contributor", member.getRole());

        String namespace = unique("ns");
        NamespaceView ns = new NamespacesApi(admin).createNamespace(new NewNamespace().name(namespace).team(team)
                .visibility(NewNamespace.VisibilityEnum.PRIVATE));
        assertEquals(team, ns.getTeam());
        NamespaceView described = new NamespacesApi(admin).updateNamespace(namespace,
                new NamespacePatch().description("pushed to by " + username));
        assertEquals("pushed to by " + username, described.getDescription());
        assertEquals("private", described.getVisibility(), "a merge patch leaves what it does not name alone");

        CreatedTokenView token = new ApplicationTokensApi(admin).createApplicationToken(username,
                new NewToken().name("ci").namespaces(List.of(namespace)));
        assertEquals(List.of(namespace), token.getNamespaces());
        assertNotNull(token.getToken(), "the secret is in the answer to the creation");

        List<String> changes = feed(admin, null, null).stream().map(ActivityView::getAction).toList();
        for (String action : List.of("user.create", "team.create", "member.add", "namespace.create", "token.create")) {
            assertTrue(changes.contains(action), () -> action + " in the feed: " + changes);
        }

        // The token pushes, with skopeo, through the registry that asks Portcullis.
        String repository = namespace + "/app";
        Path image = OciImage.write(work.resolve(namespace), "1", "app.txt",
                ("app of " + namespace).getBytes(StandardCharsets.UTF_8));
        Skopeo.Result push = Skopeo.push(image, "1", registry.host() + "/" + repository + ":1",
                username + ":" + token.getToken());
        assertTrue(push.ok(), () -> "the limited token pushes into its namespace: " + push + "\n" + registry.log());

        List<ActivityView> pushes = awaitPush(admin, repository);
        assertEquals(1, pushes.size(), () -> "one push of " + repository + ": " + pushes);
        assertEquals(username, pushes.get(0).getActor());
        assertEquals("1", pushes.get(0).getTag());
        assertEquals(OciImage.manifestDigest(image, "1"), pushes.get(0).getDigest());

        // Its owner sees it too, through the same limited token (as HTTP Basic), slashes of the name and all.
        ApiClient developer = client().setUsername(username).setPassword(token.getToken());
        RepositoryDetailView detail = new RepositoriesApi(developer).getRepository(repository);
        assertEquals(List.of("1"), detail.getTags().stream().map(TagView::getName).toList());
    }

    @Test
    void refusalsReachTheClientAsProblemDetails() throws Exception {
        ApiClient admin = client().setUsername(TestUsers.ADMIN).setPassword(TestUsers.ADMIN_PASSWORD);
        String username = unique("taken");
        new UsersApi(admin).createUser(new NewUser().username(username).password(TestUsers.PASSWORD));

        ApiException again = assertThrows(ApiException.class,
                () -> new UsersApi(admin).createUser(new NewUser().username(username).password(TestUsers.PASSWORD)));
        Problem conflict = problem(again, 409);
        assertTrue(conflict.getDetail().contains("taken"), () -> "the detail says why: " + conflict);

        String token = new ApplicationTokensApi(admin)
                .createApplicationToken(username, new NewToken().name("laptop")).getToken();
        ApiException notAdmin = assertThrows(ApiException.class,
                () -> new UsersApi(client().setBearerToken(token)).listUsers(null, 10));
        assertEquals("Forbidden", problem(notAdmin, 403).getTitle());

        ApiException anonymous = assertThrows(ApiException.class, () -> new TeamsApi(client()).listTeams(null, null));
        problem(anonymous, 401);
        assertEquals("Basic realm=\"Portcullis\"", header(anonymous, "WWW-Authenticate"));
    }

    /** A client of the API on the random test port, which fails on any member of an answer the document lacks. */
    static ApiClient client() {
        ApiClient client = new ApiClient();
        client.setBasePath("http://127.0.0.1:" + RestAssured.port);
        client.getObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        return client;
    }

    /** The error the client surfaced, read as the document's Problem; checks its status and media type. */
    static Problem problem(ApiException e, int status) throws IOException {
        assertEquals(status, e.getCode(), e::getResponseBody);
        String type = header(e, "Content-Type");
        assertTrue(type.startsWith(PROBLEM_JSON), () -> "problem+json, not " + type);
        Problem problem = client().getObjectMapper().readValue(e.getResponseBody(), Problem.class);
        assertEquals(status, problem.getStatus());
        assertNotNull(problem.getTitle());
        return problem;
    }

    /** A header of the error's answer, whatever the case of its name. */
    static String header(ApiException e, String name) {
        return e.getResponseHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }

    static List<ActivityView> feed(ApiClient client, String action, String repository) throws ApiException {
        return new ActivitiesApi(client).listActivities(action, null, null, 200, null, repository, null, null, null)
                .getItems();
    }

    /** The pushes of {@code repository} in the feed, once there are any: the registry notifies on its own time. */
    static List<ActivityView> awaitPush(ApiClient client, String repository) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<ActivityView> pushes = feed(client, "push", repository);
        while (pushes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            pushes = feed(client, "push", repository);
        }
        return pushes;
    }

    static String unique(String prefix) {
        return prefix + "-" + System.nanoTime() % 100_000 + "-" + SEQUENCE.incrementAndGet();
    }
}
