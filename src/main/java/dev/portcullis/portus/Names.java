package dev.portcullis.portus;

import dev.portcullis.access.policy.RepositoryName;
import java.util.Locale;

/**
 * Portus names as this registry's grammar takes them. Portus let user and team names be anything (it derived a
 * valid namespace name from them); here a user's or team's name is also a namespace name. A name that breaks the
 * grammar gets the same repair Portus made for its namespace names (lower case, other characters to '_', one
 * separator in a row), so the personal namespace usually keeps its Portus name.
 */
final class Names {

    private Names() {
    }

    /** The name as it is, or repaired; null when even the repair breaks the grammar or exceeds {@code max}. */
    static String ours(String portus, int max) {
        if (portus == null) {
            return null;
        }
        if (RepositoryName.isComponent(portus) && portus.length() <= max) {
            return portus;
        }
        String s = portus.toLowerCase(Locale.ROOT).replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        s = s.replaceAll("[^a-z0-9._-]", "_").replaceAll("[._-]{2,}", "_");
        return !s.isEmpty() && s.length() <= max && RepositoryName.isComponent(s) ? s : null;
    }
}
