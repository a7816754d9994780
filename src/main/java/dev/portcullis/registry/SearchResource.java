package dev.portcullis.registry;

import dev.portcullis.access.VisibleNamespaces;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Subject;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestQuery;

/** One search box over namespaces, repositories and teams: only what the caller may see. */
@Path("/api/v1/search")
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource {

    static final int PER_KIND = 20;

    @Inject
    CurrentCaller caller;

    @Inject
    VisibleNamespaces visible;

    @Inject
    AgroalDataSource dataSource;

    @GET
    public Map<String, List<String>> search(@RestQuery String q) throws SQLException {
        if (q == null || q.isBlank() || q.length() > 255) {
            throw Refusal.malformed("q is required, at most 255 characters");
        }
        Subject subject = caller.subjectOrAnonymous();
        String like = Like.containing(q.trim().toLowerCase());
        Map<String, List<String>> found = new LinkedHashMap<>();
        VisibleNamespaces.Condition namespaces = visible.on("name", subject);
        found.put("namespaces", names("SELECT name FROM namespaces WHERE name LIKE ? " + Like.ESCAPE + " AND "
                + namespaces.sql() + " ORDER BY name LIMIT " + PER_KIND, like, namespaces.args()));
        VisibleNamespaces.Condition repositories = visible.on("namespace", subject);
        found.put("repositories", names("SELECT name FROM repositories WHERE name LIKE ? " + Like.ESCAPE + " AND "
                + repositories.sql() + " ORDER BY name LIMIT " + PER_KIND, like, repositories.args()));
        if (subject.anonymous()) {
            found.put("teams", List.of());
        } else {
            VisibleNamespaces.Condition teams = visible.teams("name", subject);
            found.put("teams", names("SELECT name FROM teams WHERE name LIKE ? " + Like.ESCAPE + " AND " + teams.sql()
                    + " ORDER BY name LIMIT " + PER_KIND, like, teams.args()));
        }
        return found;
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
