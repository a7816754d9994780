package dev.portcullis.registry;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.core.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

/** The registry as Portcullis sees it, for admins: reconcile now, and the status an operator watches. */
@Path("/api/v1/registry")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
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
    public Reconciler.Result reconcile() throws SQLException {
        if (!ManagementPolicy.mayOperateRegistry(caller.subject())) {
            throw Refusal.forbidden("this token may not run reconciliation");
        }
        return reconciler.now();
    }

    @GET
    @Path("/status")
    public RegistryStatus.View status() throws SQLException {
        return status.now();
    }
}
