package dev.portcullis.access;

/**
 * A namespace about to be deleted, fired as a CDI event before it goes: the catalog refuses (by throwing a
 * {@link dev.portcullis.core.Refusal.Conflict}) while the namespace still holds images, so that a name set free
 * never hands old images to whoever takes it next.
 */
public record NamespaceRemoval(String namespace) {
}
