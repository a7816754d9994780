package dev.portcullis.registry;

import dev.portcullis.access.VisibleNamespaces;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Like;
import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** One search box over namespaces, repositories and teams: only what the caller may see. */
@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "search", description = "One search box over namespaces, repositories and teams")
public class SearchResource {

    static final int PER_KIND = 20;

    /** Names that contain the text, at most {@value #PER_KIND} of each kind, by name. */
    public record SearchHits(List<String> namespaces, List<String> repositories,
            @Schema(description = "none for anonymous callers") List<String> teams) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    VisibleNamespaces visible;

    @Inject
    AgroalDataSource dataSource;

    @GET
    @Operation(operationId = "search", summary = "Namespaces, repositories and teams the caller may see whose names"
            + " contain q")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
    @SecurityRequirementsSet // anonymous callers find what is public
    @APIResponse(responseCode = "200", description = "The names found, at most 20 of each kind")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    public SearchHits search(@RestQuery @Parameter(required = true, description = "1 to 255 characters",
            example = "hello") String q) throws SQLException {
        if (q == null || q.isBlank() || q.length() > 255) {
            throw Refusal.malformed("q is required, at most 255 characters");
        }
        Subject subject = caller.subjectOrAnonymous();
        String like = Like.containing(q.trim().toLowerCase());
        VisibleNamespaces.Condition namespaces = visible.on("name", subject);
        List<String> namespaceNames = names("SELECT name FROM namespaces WHERE name LIKE ? " + Like.ESCAPE + " AND "
                + namespaces.sql() + " ORDER BY name LIMIT " + PER_KIND, like, namespaces.args());
        VisibleNamespaces.Condition repositories = visible.on("namespace", subject);
        List<String> repositoryNames = names("SELECT name FROM repositories WHERE name LIKE ? " + Like.ESCAPE
                + " AND " + repositories.sql() + " ORDER BY name LIMIT " + PER_KIND, like, repositories.args());
        List<String> teamNames = List.of();
        if (!subject.anonymous()) {
            VisibleNamespaces.Condition teams = visible.teams("name", subject);
            teamNames = names("SELECT name FROM teams WHERE name LIKE ? " + Like.ESCAPE + " AND " + teams.sql()
                    + " ORDER BY name LIMIT " + PER_KIND, like, teams.args());
        }
        return new SearchHits(namespaceNames, repositoryNames, teamNames);
    }

    private List<String> names(String sql, String like, List<Object> args) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, like);
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 2, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
