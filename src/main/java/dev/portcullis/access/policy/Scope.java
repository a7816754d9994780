package dev.portcullis.access.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One resource scope of the registry's token protocol, {@code type:name:action[,action]*}.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/scope/">Token scope documentation</a>
 */
public record Scope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";
    public static final String ALL = "*";

    private static final Pattern TYPE = Pattern.compile("[a-z0-9]+(?:\\([a-z0-9]+\\))?");
    private static final Pattern ACTION = Pattern.compile("[a-z*]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?");
    private static final int MAX_SCOPES = 100;

    public Scope {
        actions = Collections.unmodifiableSet(new LinkedHashSet<>(actions));
    }

    /** {@code repository} and typed variants such as {@code repository(plugin)}. */
    public boolean isRepository() {
        return type.equals(REPOSITORY) || type.startsWith(REPOSITORY + "(");
    }

    public boolean isCatalog() {
        return type.equals(REGISTRY) && name.equals(CATALOG);
    }

    /** The name carries a {@code host[:port]} prefix: never the name of a repository here. */
    public boolean hasHost() {
        int slash = name.indexOf('/');
        return slash > 0 && name.substring(0, slash).contains(":");
    }

    public Scope withActions(Set<String> granted) {
        return new Scope(type, name, granted);
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions);
    }

    /**
     * Parses every {@code scope} value of a request (each may hold several scopes separated by spaces) and
     * merges duplicate (type, name) pairs, keeping the order of first appearance.
     *
     * @throws MalformedScopeException when any scope breaks the grammar
     */
    public static List<Scope> parseAll(List<String> values) {
        Map<String, Scope> merged = new LinkedHashMap<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String part : value.trim().split(" +")) {
                if (part.isEmpty()) {
                    continue;
                }
                Scope scope = parse(part);
                merged.merge(scope.type() + ":" + scope.name(), scope, Scope::union);
                if (merged.size() > MAX_SCOPES) {
                    throw new MalformedScopeException("too many scopes in one request");
                }
            }
        }
        return List.copyOf(merged.values());
    }

    /**
     * One scope. The type ends at the first {@code :} and the actions start after the last one; the name is
     * what lies between, so {@code repository:localhost:5000/a/b:pull} keeps its port.
     */
    public static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first || last == text.length() - 1) {
            throw new MalformedScopeException("scope must be type:name:actions");
        }
        String type = text.substring(0, first);
        String name = text.substring(first + 1, last);
        if (!TYPE.matcher(type).matches()) {
            throw new MalformedScopeException("invalid scope type");
        }
        if (!validName(type, name)) {
            throw new MalformedScopeException("invalid name in scope");
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String action : text.substring(last + 1).split(",", -1)) {
            if (!ACTION.matcher(action).matches() || action.length() > 16) {
                throw new MalformedScopeException("invalid action in scope");
            }
            actions.add(action);
        }
        return new Scope(type, name, actions);
    }

    private static boolean validName(String type, String name) {
        if (type.equals(REGISTRY)) {
            return name.equals(CATALOG);
        }
        int slash = name.indexOf('/');
        if (slash > 0 && name.substring(0, slash).contains(":")) {
            return HOST.matcher(name.substring(0, slash)).matches()
                    && RepositoryName.isValid(name.substring(slash + 1));
        }
        return RepositoryName.isValid(name);
    }

    private static Scope union(Scope a, Scope b) {
        Set<String> actions = new LinkedHashSet<>(a.actions());
        actions.addAll(b.actions());
        return new Scope(a.type(), a.name(), actions);
    }

    /** A scope that breaks the grammar: a 400, unlike a denied scope which is simply granted nothing. */
    public static class MalformedScopeException extends RuntimeException {
        public MalformedScopeException(String message) {
            super(message, null, false, false);
        }
    }
}
