package dev.portcullis.core;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * The errors that come with authentication, on every operation that takes credentials, so that no resource repeats
 * them: wrong credentials are a 401, repeated failures a 429 before anything is checked, and checking credentials
 * reads the database (503 while it is down). A public operation ({@code security: []}) gets none of them. Run at
 * build time, so the document Quarkus stores at build is the one it serves. Responses end up in status order.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    static final Map<String, String> WITH_CREDENTIALS = Map.of(
            "401", ApiDocument.UNAUTHORIZED,
            "429", ApiDocument.TOO_MANY_REQUESTS,
            "503", ApiDocument.UNAVAILABLE);

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
            if (takesCredentials(operation.getSecurity() != null ? operation.getSecurity() : api.getSecurity())) {
                WITH_CREDENTIALS.forEach((status, name) -> {
                    if (!operation.getResponses().hasAPIResponse(status)) {
                        operation.getResponses().addAPIResponse(status,
                                OASFactory.createAPIResponse().ref("#/components/responses/" + name));
                    }
                });
            }
            sortResponses(operation);
        }));
    }

    /** Whether any of the alternatives names a scheme ({@code {}} alone means anonymous, none means public). */
    static boolean takesCredentials(List<SecurityRequirement> security) {
        return security != null && security.stream().anyMatch(r -> r.getSchemes() != null && !r.getSchemes().isEmpty());
    }

    private static void sortResponses(Operation operation) {
        Map<String, APIResponse> sorted = new TreeMap<>(operation.getResponses().getAPIResponses());
        operation.getResponses().setAPIResponses(sorted);
    }
}
