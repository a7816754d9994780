package dev.portcullis.registry;

/**
 * A change a person made to the registry's contents through Portcullis, fired inside the catalog writer's
 * transaction ({@code in}), so that the feed's entry under its author commits with the change or not at all.
 */
public record CatalogChanged(String action, String actor, String repository, String tag, String digest,
        String detail, Catalog in) {
}
