package dev.portcullis.events;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label values for meters counted per registry namespace, bounded: at most {@code limit} namespaces get a value
 * of their own and every other one shares {@link #OTHER}, so a registry with thousands of namespaces still
 * exports at most {@code limit + 1} series per meter and replica. Slots are handed out first come, first
 * served (the busiest namespaces in the database are seated first at start) and kept until the process ends:
 * a series never changes meaning, and a namespace named on one replica may count under {@link #OTHER} on another.
 */
final class NamespaceLabels {

    /** Outside the namespace grammar (a component starts with a letter or digit), so no namespace can take it. */
    static final String OTHER = "_other";

    private final int limit;
    private final Set<String> named = ConcurrentHashMap.newKeySet();

    NamespaceLabels(int limit) {
        this.limit = Math.max(0, limit);
    }

    int limit() {
        return limit;
    }

    /** Seats these namespaces first, in order, as far as the limit allows. */
    void seat(Collection<String> busiest) {
        busiest.forEach(this::label);
    }

    /** The label value that {@code namespace} counts under. */
    String label(String namespace) {
        if (named.contains(namespace)) {
            return namespace;
        }
        synchronized (this) {
            if (named.size() < limit) {
                named.add(namespace);
                return namespace;
            }
        }
        return named.contains(namespace) ? namespace : OTHER;
    }
}
