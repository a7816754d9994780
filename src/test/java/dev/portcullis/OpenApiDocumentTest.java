package dev.portcullis;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.Namespaces;
import dev.portcullis.access.Teams;
import dev.portcullis.access.Users;
import dev.portcullis.events.ActivitiesResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the served OpenAPI document copies from the code, checked against the code: the members each merge patch
 * accepts and the feed's actions. (The linter checks the document's form in CI, .ci/lint-openapi;
 * GeneratedClientEndToEndIT uses it against the API.)
 */
@QuarkusTest
class OpenApiDocumentTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    JsonNode document;

    @BeforeEach
    void fetch() throws IOException {
        String served = given().baseUri(management.getProtocol() + "://" + management.getHost())
                .port(management.getPort()).queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString();
        document = new ObjectMapper().readTree(served);
    }

    @Test
    void onlyTheJsonApiIsDescribed() {
        document.get("paths").fieldNames().forEachRemaining(path ->
                assertTrue(path.startsWith("/api/v1/"), () -> path + ": the web UI and /v2 are not part of it"));
    }

    @Test
    void theWebhooksAreDescribed() {
        assertTrue(document.at("/paths/~1api~1v1~1webhooks/post/operationId").asText().equals("createWebhook"));
        assertTrue(document.at("/paths/~1api~1v1~1webhooks~1{id}~1ping/post/operationId").asText()
                .equals("pingWebhook"));
    }

    @Test
    void eachMergePatchSchemaNamesWhatItsServiceAccepts() {
        Map<String, Set<String>> patchable = Map.of(
                "UserPatch", Users.PATCHABLE,
                "TeamPatch", Teams.PATCHABLE,
                "NamespacePatch", Namespaces.PATCHABLE,
                "MemberPatch", Set.of("role"),
                "RepositoryPatch", Set.of("description"),
                "WebhookPatch", dev.portcullis.webhooks.Webhooks.PATCHABLE);
        patchable.forEach((schema, accepted) -> assertEquals(new TreeSet<>(accepted),
                names(document.at("/components/schemas/" + schema + "/properties")), schema));
    }

    @Test
    void theFeedsActionsAreTheOnesItFiltersBy() {
        JsonNode parameters = document.at("/paths/~1api~1v1~1activities/get/parameters");
        Set<String> actions = new TreeSet<>();
        parameters.forEach(p -> {
            if ("action".equals(p.path("name").asText())) {
                p.at("/schema/enum").forEach(a -> actions.add(a.asText()));
            }
        });
        assertEquals(new TreeSet<>(ActivitiesResource.ACTIONS), actions);
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
