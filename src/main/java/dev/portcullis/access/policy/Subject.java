package dev.portcullis.access.policy;

import java.util.Set;

/**
 * Who asks: an authenticated account, or nobody ({@link #ANONYMOUS}).
 *
 * @param restriction the narrower rights of the application token used, or {@link TokenRestriction#NONE}
 */
public record Subject(String name, boolean admin, boolean enabled, boolean bot, TokenRestriction restriction) {

    public static final Subject ANONYMOUS = new Subject("", false, true, false, TokenRestriction.NONE);
    /** Portcullis itself, calling the registry; outside the username grammar, so no account can take it. */
    public static final String INTERNAL_NAME = "_portcullis";
    public static final Subject INTERNAL = new Subject(INTERNAL_NAME, true);

    public Subject(String name, boolean admin) {
        this(name, admin, true, false, TokenRestriction.NONE);
    }

    public boolean anonymous() {
        return name.isEmpty();
    }

    public Subject restrictedTo(TokenRestriction restriction) {
        return new Subject(name, admin, enabled, bot, restriction);
    }

    /** What an application token narrows its owner's rights to; a token never widens them. */
    public record TokenRestriction(boolean readOnly, Set<String> namespaces) {

        public static final TokenRestriction NONE = new TokenRestriction(false, Set.of());

        public TokenRestriction {
            namespaces = Set.copyOf(namespaces);
        }

        /** An empty set means every namespace the owner may use. */
        public boolean allowsNamespace(String namespace) {
            return namespaces.isEmpty() || namespaces.contains(namespace);
        }
    }
}
