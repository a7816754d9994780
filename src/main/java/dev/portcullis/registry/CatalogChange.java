package dev.portcullis.registry;

/** One change reconciliation found between the registry and the catalog, for {@link Catalog#apply}. */
public sealed interface CatalogChange {

    String repository();

    /** The registry lists a repository the catalog does not know. */
    record AddRepository(String repository) implements CatalogChange {
    }

    /** The registry has a tag the catalog does not know. */
    record AddTag(String repository, String tag, String digest) implements CatalogChange {
    }

    /** A known tag points at another digest in the registry. */
    record MoveTag(String repository, String tag, String digest) implements CatalogChange {
    }

    /** The registry positively no longer has a known tag. */
    record RemoveTag(String repository, String tag) implements CatalogChange {
    }
}
