package dev.portcullis.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What reconciliation changes: the registry's picture (repository → tag → digest, read whole) against the
 * catalog's rows. Pure: the {@link Reconciler} reads both sides and hands the changes to the {@link CatalogWriter}.
 * Only what the registry positively says is gone is removed; a repository its catalog no longer lists is gone.
 */
public final class CatalogDiff {

    private CatalogDiff() {
    }

    public static List<CatalogChange> between(Map<String, Map<String, String>> registry,
            Map<String, Map<String, String>> catalog) {
        List<CatalogChange> changes = new ArrayList<>();
        registry.forEach((repository, tags) -> {
            Map<String, String> known = catalog.get(repository);
            if (known == null) {
                changes.add(new CatalogChange.AddRepository(repository));
                known = Map.of();
            }
            for (var tag : tags.entrySet()) {
                String digest = known.get(tag.getKey());
                if (digest == null) {
                    changes.add(new CatalogChange.AddTag(repository, tag.getKey(), tag.getValue()));
                } else if (!digest.equals(tag.getValue())) {
                    changes.add(new CatalogChange.MoveTag(repository, tag.getKey(), tag.getValue()));
                }
            }
            for (String tag : new TreeSet<>(known.keySet())) {
                if (!tags.containsKey(tag)) {
                    changes.add(new CatalogChange.RemoveTag(repository, tag));
                }
            }
        });
        new TreeMap<>(catalog).forEach((repository, tags) -> {
            if (!registry.containsKey(repository)) {
                new TreeSet<>(tags.keySet()).forEach(tag -> changes.add(new CatalogChange.RemoveTag(repository, tag)));
            }
        });
        return changes;
    }
}
