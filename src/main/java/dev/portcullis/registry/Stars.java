package dev.portcullis.registry;

import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Signed-in users star the repositories they may pull; a star is theirs alone, not part of the catalog. */
@ApplicationScoped
public class Stars {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RepositoryGuard guard;

    @Inject
    Repositories repositories;

    public void star(Subject subject, String name, boolean starred) throws SQLException {
        guard.requirePull(subject, name);
        if (subject.anonymous()) {
            throw Refusal.unauthenticated("sign in to star repositories");
        }
        if (!ManagementPolicy.mayStar(subject)) {
            throw Refusal.forbidden("this token may not star repositories");
        }
        long repository = repositories.id(name);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(starred
                ? "INSERT IGNORE INTO stars (user_id, repository_id) SELECT u.id, ? FROM users u WHERE u.username = ?"
                : "DELETE FROM stars WHERE repository_id = ? AND user_id = (SELECT id FROM users WHERE username = ?)")) {
            s.setLong(1, repository);
            s.setString(2, subject.name());
            s.executeUpdate();
        }
    }
}
