package dev.portcullis.events;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.access.AccessService;
import dev.portcullis.registry.CatalogChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** Writes access and catalog changes made through Portcullis into the feed, inside the transaction that made them: both commit or neither. */
@ApplicationScoped
public class AccessActivityRecorder {

    @Inject
    EntityManager em;

    /** The database's clock, the one teams' creation times come from (see {@link ActivityFeed}). */
    void record(@Observes AccessChanged change) {
        insert(change.action(), change.actor(), change.namespace(), null, null, null, change.team(),
                change.targetUser(), change.detail());
    }

    void record(@Observes CatalogChanged change) {
        insert(change.action(), change.actor(), AccessService.namespaceName(change.repository()), change.repository(),
                change.tag(), change.digest(), null, null, change.detail());
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
                .setParameter(9, detail == null || detail.length() <= 1024 ? detail : detail.substring(0, 1024))
                .executeUpdate();
    }
}
