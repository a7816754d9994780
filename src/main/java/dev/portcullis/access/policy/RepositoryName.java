package dev.portcullis.access.policy;

import java.util.regex.Pattern;

/**
 * The registry's repository-name grammar (distribution {@code reference/regexp.go}): lowercase path
 * components separated by {@code /}, at most 255 characters in all.
 */
public final class RepositoryName {

    public static final int MAX_LENGTH = 255;

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    private RepositoryName() {
    }

    /** One path component, e.g. a user, team or namespace name. */
    public static boolean isComponent(String s) {
        return s != null && s.length() <= MAX_LENGTH && COMPONENT.matcher(s).matches();
    }

    /** A whole repository name such as {@code alice/tools/hello}. */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (String component : name.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The namespace a repository is filed under: its first component, or the global namespace's reserved name. */
    public static String namespaceName(String repository) {
        String namespace = namespaceOf(repository);
        return namespace == null ? NamespaceFacts.GLOBAL_NAME : namespace;
    }

    /** The namespace a repository lives in: its first component, or {@code null} for the global namespace. */
    public static String namespaceOf(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }
}
