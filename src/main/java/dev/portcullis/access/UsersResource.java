package dev.portcullis.access;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import dev.portcullis.core.HttpProblem;

/** User administration. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {

    /** The body of {@code POST /api/v1/users}. */
    public record NewUser(String username, String password, String email, Boolean admin) {
    }

    /** A user as the API shows it: never the password hash. */
    public record UserView(String username, String email, boolean admin, boolean enabled, boolean bot) {
        static UserView of(User user) {
            return new UserView(user.username, user.email, user.admin, user.enabled, user.bot);
        }
    }

    @Inject
    Users users;

    @POST
    @RolesAllowed("admin")
    public Response create(NewUser body) {
        if (body == null || body.username() == null || body.password() == null) {
            throw HttpProblem.unprocessable("username and password are required");
        }
        User user = users.create(body.username(), body.password(), body.email(), Boolean.TRUE.equals(body.admin()));
        return Response.created(URI.create("/api/v1/users/" + user.username)).entity(UserView.of(user)).build();
    }
}
