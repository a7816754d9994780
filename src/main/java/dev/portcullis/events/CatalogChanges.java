package dev.portcullis.events;

import dev.portcullis.registry.Catalog;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Repositories and tags follow the events stored for the first time (a repeat changes nothing). Consecutive
 * pushes go to the catalog together; a pull or a delete first lets the pushes before it take effect.
 */
final class CatalogChanges {
    private final Catalog catalog;
    private final List<Catalog.Push> pushes = new ArrayList<>();

    CatalogChanges(Catalog catalog) {
        this.catalog = catalog;
    }

    void add(RegistryEvent e) throws SQLException {
        if (e.activity().equals("push")) {
            pushes.add(new Catalog.Push(e.repository(), e.tag(), e.digest(), e.mediaType(), e.actor(),
                    e.timestamp()));
            return;
        }
        flush();
        switch (e.activity()) {
            case "pull" -> catalog.pull(e.repository(), e.tag(), e.digest(), e.timestamp());
            case "delete" -> catalog.delete(e.repository(), e.tag(), e.digest(), e.timestamp());
            default -> throw new IllegalStateException("no catalog change for " + e.activity());
        }
    }

    void flush() throws SQLException {
        if (!pushes.isEmpty()) {
            catalog.pushAll(pushes);
            pushes.clear();
        }
    }
}
