package dev.portcullis.registry;

import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;

/** A repository's description (markdown), written by the namespace's owners, recorded in the feed. */
@ApplicationScoped
public class Descriptions {

    static final int MAX_LENGTH = 65_000;

    @Inject
    RepositoryGuard guard;

    @Inject
    CatalogWriter writer;

    @Inject
    Event<CatalogChanged> changes;

    /** @param description the new text, or null to clear it */
    public void describe(Subject subject, String name, String description) throws SQLException {
        guard.requireEdit(subject, name);
        if (description != null && description.length() > MAX_LENGTH) {
            throw Refusal.invalid("description is longer than 65,000 characters");
        }
        boolean found = writer.write(catalog -> {
            if (!catalog.describe(name, description)) {
                return false;
            }
            changes.fire(new CatalogChanged("repository.update", subject.name(), name, null, null, "description",
                    catalog));
            return true;
        });
        if (!found) {
            throw Refusal.notFound("no repository '" + name + "'");
        }
    }
}
