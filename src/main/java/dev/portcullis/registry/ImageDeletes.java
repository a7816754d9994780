package dev.portcullis.registry;

import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.RepositoryViews.DeletedView;
import dev.portcullis.registry.RepositoryViews.TagView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deletes images through the registry ({@code DELETE /v2/<name>/manifests/<digest>}), by the delete rule. The
 * registry deletes first: if it refuses, nothing changed. Then the catalog writer removes the rows and records the
 * delete under the person who asked; the registry's own notification of the delete (by Portcullis) finds them
 * gone, or removes them itself should that write have failed.
 */
@ApplicationScoped
public class ImageDeletes {

    @Inject
    Repositories repositories;

    @Inject
    RepositoryGuard guard;

    @Inject
    RegistryClient registry;

    @Inject
    CatalogWriter writer;

    @Inject
    Event<CatalogChanged> changes;

    /** The image a tag names; other tags on the same digest go with it, so that needs {@code force}. */
    public DeletedView deleteTag(Subject subject, String name, String tag, boolean force) throws SQLException {
        guard.requireDelete(subject, name);
        TagView found = repositories.tag(subject, name, tag);
        List<String> sharing = repositories.images(name).getOrDefault(found.digest(), List.of(tag));
        if (sharing.size() > 1 && !force) {
            throw Refusal.conflict("deleting '" + tag + "' deletes image " + found.digest() + ", which tags "
                    + sharing + " also name; repeat with force=true to delete them all");
        }
        return delete(subject, name, found.digest(), sharing);
    }

    /** Every image of a repository; the repository stays as an empty one, with its history. */
    public List<DeletedView> deleteRepository(Subject subject, String name) throws SQLException {
        guard.requireDelete(subject, name);
        List<DeletedView> deleted = new ArrayList<>();
        for (Map.Entry<String, List<String>> image : repositories.images(name).entrySet()) {
            deleted.add(delete(subject, name, image.getKey(), image.getValue()));
        }
        return deleted;
    }

    private DeletedView delete(Subject subject, String name, String digest, List<String> tags) throws SQLException {
        try {
            registry.deleteManifest(name, digest);
        } catch (RegistryClient.DeleteDisabled e) {
            throw Refusal.conflict(e.getMessage());
        } catch (RegistryClient.RegistryUnavailable e) {
            throw Refusal.unavailable("the registry could not delete the image: " + e.getMessage());
        }
        Instant now = Instant.now();
        writer.write(catalog -> {
            catalog.delete(name, null, digest, now);
            for (String tag : tags) {
                changes.fire(new CatalogChanged("delete", subject.name(), name, tag, digest, null, catalog));
            }
            return null;
        });
        return new DeletedView(name, digest, tags);
    }
}
