package dev.portcullis.events;

import dev.portcullis.access.AccessChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;

/** Writes access changes into the feed, inside the transaction that made them: both commit or neither. */
@ApplicationScoped
public class AccessActivityRecorder {

    @Inject
    EntityManager em;

    void record(@Observes AccessChanged change) {
        em.createNativeQuery("""
                        INSERT INTO activities (occurred_at, action, namespace, team, target_user, actor, detail)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)""")
                .setParameter(1, Timestamp.from(Instant.now()))
                .setParameter(2, change.action())
                .setParameter(3, change.namespace())
                .setParameter(4, change.team())
                .setParameter(5, change.targetUser())
                .setParameter(6, change.actor())
                .setParameter(7, change.detail() == null || change.detail().length() <= 1024
                        ? change.detail() : change.detail().substring(0, 1024))
                .executeUpdate();
    }
}
