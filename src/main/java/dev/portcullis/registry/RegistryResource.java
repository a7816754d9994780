package dev.portcullis.registry;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The registry as Portcullis sees it, for admins: reconcile now, and the status an operator watches. */
@Path("/api/v1/registry")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "registry", description = "The registry as Portcullis sees it, for admins")
public class RegistryResource {

    @Inject
    Reconciler reconciler;

    @Inject
    RegistryStatus status;

    @Inject
    CurrentCaller caller;

    /** Runs reconciliation now and answers with what it added, changed and removed. */
    @POST
    @Path("/reconciliations")
    @Operation(operationId = "reconcileRegistry", summary = "Reconcile with the registry's catalog now")
    @APIResponse(responseCode = "200", description = "What was added, changed and removed")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public Reconciler.Result reconcile() throws SQLException {
        if (!ManagementPolicy.mayOperateRegistry(caller.subject())) {
            throw Refusal.forbidden("this token may not run reconciliation");
        }
        return reconciler.now();
    }

    @GET
    @Path("/status")
    @Operation(operationId = "getRegistryStatus", summary = "Reachability, last reconciliation, events stored and"
            + " parked, details pending")
    @APIResponse(responseCode = "200", description = "The status")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    public RegistryStatus.View status() throws SQLException {
        return status.now();
    }
}
