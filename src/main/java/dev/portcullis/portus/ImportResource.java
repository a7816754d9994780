package dev.portcullis.portus;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Importing a Portus database (admins): the answer is the report, for a dry run as for a real one. */
@Path("/api/v1/imports/portus")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "imports", description = "Bringing users, teams, namespaces, images and tokens over from Portus")
public class ImportResource {

    /** The body of {@code POST /api/v1/imports/portus}. */
    @Schema(requiredProperties = {"url", "user"})
    public record ImportRequest(
            @Schema(description = "JDBC URL of Portus's MariaDB/MySQL database, read-only",
                    example = "jdbc:mariadb://portus-db:3306/portus_production") String url,
            String user,
            @Schema(description = "never logged nor shown back") String password,
            @Schema(description = "import inside a transaction that is rolled back: the report of what would"
                    + " happen, nothing written") Boolean dryRun) {

        @Override
        public String toString() {
            return "ImportRequest[" + url + ", " + user + ", dryRun=" + dryRun + "]";
        }
    }

    @Inject
    PortusImport importer;

    @Inject
    CurrentCaller caller;

    @POST
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "importPortus", summary = "Import a Portus database (admins); again later to catch up")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ImportRequest.class), examples = @ExampleObject(name = "dry run",
                    value = "{\"url\": \"jdbc:mariadb://portus-db:3306/portus_production\", \"user\": \"portus\","
                            + " \"password\": \"…\", \"dryRun\": true}")))
    @APIResponseSchema(value = ImportReport.class, responseCode = "200",
            responseDescription = "What was (or, dry, would be) created, changed, left and skipped, and the conflicts")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public ImportReport run(ImportRequest body) {
        if (body == null) {
            throw Refusal.invalid("a body with url, user and password is required");
        }
        if (!ManagementPolicy.mayManageUser(caller.subject(), caller.subject().name())) {
            throw Refusal.forbidden("this token may not import accounts");
        }
        return importer.run(new PortusSource(body.url(), body.user(), body.password()),
                Boolean.TRUE.equals(body.dryRun()));
    }
}
