package dev.portcullis.access.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    @Test
    void parsesTypeNameAndActions() {
        Scope scope = Scope.parse("repository:alice/tools/hello:pull,push");
        assertEquals("repository", scope.type());
        assertEquals("alice/tools/hello", scope.name());
        assertEquals(Set.of("pull", "push"), scope.actions());
        assertTrue(scope.isRepository());
    }

    @Test
    void keepsAPortInsideTheName() {
        Scope scope = Scope.parse("repository:localhost:5000/alice/app:pull");
        assertEquals("localhost:5000/alice/app", scope.name());
        assertTrue(scope.hasHost());
    }

    @Test
    void acceptsTypedRepositoriesAndTheCatalog() {
        assertTrue(Scope.parse("repository(plugin):alice/p:pull").isRepository());
        Scope catalog = Scope.parse("registry:catalog:*");
        assertTrue(catalog.isCatalog());
        assertEquals(Set.of("*"), catalog.actions());
    }

    @Test
    void splitsOnSpacesAndMergesDuplicates() {
        List<Scope> scopes = Scope.parseAll(List.of(
                "repository:alice/a:pull repository:bob/b:pull", "repository:alice/a:push"));
        assertEquals(2, scopes.size());
        assertEquals("alice/a", scopes.get(0).name());
        assertEquals(Set.of("pull", "push"), scopes.get(0).actions());
        assertEquals("bob/b", scopes.get(1).name());
    }

    @Test
    void emptyValuesMeanNoScope() {
        assertTrue(Scope.parseAll(List.of("", "  ")).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "repository", "repository:alice/app", "repository:alice/app:", ":alice/app:pull",
        "repository:Alice/app:pull", "repository:alice/../app:pull", "repository:alice//app:pull",
        "repository:/alice:pull", "repository:alice/app/:pull", "Repository:alice/app:pull",
        "repository:alice/app:pull,", "repository:alice/app:PULL", "registry:other:*",
        "repository:al ice:pull", "repository:alice/app:pu-ll", "repository:аlice/app:pull"})
    void rejectsMalformedScopes(String text) {
        assertThrows(Scope.MalformedScopeException.class, () -> Scope.parseAll(List.of(text)));
    }

    @Test
    void rejectsNamesOverTheRegistryLimit() {
        String longName = "a".repeat(256);
        assertThrows(Scope.MalformedScopeException.class, () -> Scope.parse("repository:" + longName + ":pull"));
        assertEquals(255, Scope.parse("repository:" + "a".repeat(255) + ":pull").name().length());
    }

    @Test
    void repositoryNamesFollowTheRegistryGrammar() {
        assertTrue(RepositoryName.isValid("a__b/c-d/e.f/g---h"));
        assertFalse(RepositoryName.isValid("a_/b"));
        assertFalse(RepositoryName.isValid("-a"));
        assertEquals("alice", RepositoryName.namespaceOf("alice/tools/hello"));
        assertEquals(null, RepositoryName.namespaceOf("hello"));
    }
}
