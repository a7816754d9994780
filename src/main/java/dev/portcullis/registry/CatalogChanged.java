package dev.portcullis.registry;

/** A change a person made to the registry's contents through Portcullis, recorded in the feed by its author. */
public record CatalogChanged(String action, String actor, String repository, String tag, String digest,
        String detail) {
}
