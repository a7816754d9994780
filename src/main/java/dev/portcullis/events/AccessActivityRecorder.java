package dev.portcullis.events;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.registry.CatalogChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes access and catalog changes made through Portcullis into the feed, inside the transaction that made them
 * (the API's, the catalog writer's): both commit or neither.
 */
@ApplicationScoped
public class AccessActivityRecorder {

    @Inject
    EntityManager em;

    /** The database's clock, the one teams' creation times come from (see {@link ActivityFeed}). */
    void record(@Observes AccessChanged change) {
        insert(change.action(), change.actor(), change.namespace(), null, null, null, change.team(),
                change.targetUser(), change.detail());
    }

    /** In the catalog writer's transaction, beside the change itself. */
    void record(@Observes CatalogChanged change) throws SQLException {
        try (PreparedStatement s = change.in().connection().prepareStatement("""
                INSERT INTO activities (occurred_at, action, namespace, repository, tag, digest, actor, detail)
                VALUES (CURRENT_TIMESTAMP(6), ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, change.action());
            s.setString(2, RepositoryName.namespaceName(change.repository()));
            s.setString(3, change.repository());
            s.setString(4, change.tag());
            s.setString(5, change.digest());
            s.setString(6, change.actor());
            s.setString(7, truncated(change.detail()));
            s.executeUpdate();
        }
    }

    private void insert(String action, String actor, String namespace, String repository, String tag, String digest,
            String team, String targetUser, String detail) {
        em.createNativeQuery("""
                        INSERT INTO activities (occurred_at, action, namespace, repository, tag, digest, team,
                          target_user, actor, detail)
                        VALUES (CURRENT_TIMESTAMP(6), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)""")
                .setParameter(1, action)
                .setParameter(2, namespace)
                .setParameter(3, repository)
                .setParameter(4, tag)
                .setParameter(5, digest)
                .setParameter(6, team)
                .setParameter(7, targetUser)
                .setParameter(8, actor)
                .setParameter(9, truncated(detail))
                .executeUpdate();
    }

    private static String truncated(String detail) {
        return detail == null || detail.length() <= 1024 ? detail : detail.substring(0, 1024);
    }
}
