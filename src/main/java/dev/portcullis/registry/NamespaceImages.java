package dev.portcullis.registry;

import dev.portcullis.access.NamespaceRemoval;
import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A namespace leaves only empty: while the catalog knows images in it, its deletion is refused, naming them (delete
 * them through the API first, which deletes them in the registry). Its empty repositories go with it, descriptions
 * and stars included, so a new owner of the name starts with nothing of the old one's.
 */
@ApplicationScoped
public class NamespaceImages {

    static final int NAMED = 20;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CatalogWriter writer;

    void removing(@Observes NamespaceRemoval removal) throws SQLException {
        List<String> holding = holding(removal.namespace());
        if (!holding.isEmpty()) {
            throw Refusal.conflict("namespace '" + removal.namespace() + "' still holds images in " + holding
                    + (holding.size() == NAMED ? " and more" : "")
                    + ": delete them first (DELETE /api/v1/repositories/<name>), then the namespace");
        }
        writer.write(catalog -> catalog.forgetNamespace(removal.namespace()));
    }

    private List<String> holding(String namespace) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT name FROM repositories WHERE namespace = ? AND tag_count > 0 ORDER BY name LIMIT " + NAMED)) {
            s.setString(1, namespace);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
