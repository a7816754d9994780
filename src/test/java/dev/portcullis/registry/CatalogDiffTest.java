package dev.portcullis.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.registry.CatalogChange.AddRepository;
import dev.portcullis.registry.CatalogChange.AddTag;
import dev.portcullis.registry.CatalogChange.MoveTag;
import dev.portcullis.registry.CatalogChange.RemoveTag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reconciliation's diff as a table: the registry's picture and the catalog's rows in, the changes out. */
class CatalogDiffTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("both empty", Map.of(), Map.of(), List.of()),
                Arguments.of("the same on both sides", Map.of("a/x", Map.of("1", "d1")), Map.of("a/x", Map.of("1", "d1")),
                        List.of()),
                Arguments.of("a repository only the registry has, with its tags",
                        Map.of("a/x", Map.of("1", "d1")), Map.of(),
                        List.of(new AddRepository("a/x"), new AddTag("a/x", "1", "d1"))),
                Arguments.of("an empty repository only the registry has", Map.of("a/x", Map.of()), Map.of(),
                        List.of(new AddRepository("a/x"))),
                Arguments.of("a tag only the registry has", Map.of("a/x", Map.of("1", "d1", "2", "d2")),
                        Map.of("a/x", Map.of("1", "d1")), List.of(new AddTag("a/x", "2", "d2"))),
                Arguments.of("a tag moved to another digest", Map.of("a/x", Map.of("1", "d2")),
                        Map.of("a/x", Map.of("1", "d1")), List.of(new MoveTag("a/x", "1", "d2"))),
                Arguments.of("a tag the registry no longer has", Map.of("a/x", Map.of()),
                        Map.of("a/x", Map.of("1", "d1", "2", "d2")),
                        List.of(new RemoveTag("a/x", "1"), new RemoveTag("a/x", "2"))),
                Arguments.of("a repository the registry no longer lists: its tags go, the repository stays",
                        Map.of(), Map.of("a/x", Map.of("2", "d2", "1", "d1")),
                        List.of(new RemoveTag("a/x", "1"), new RemoveTag("a/x", "2"))),
                Arguments.of("an empty repository the registry no longer lists: nothing to do", Map.of(),
                        Map.of("a/x", Map.of()), List.of()),
                Arguments.of("everything at once, in the registry's order",
                        ordered("b/y", Map.of("1", "d9"), "a/x", Map.of("1", "d1", "3", "d3")),
                        Map.of("a/x", Map.of("1", "d1", "2", "d2"), "c/z", Map.of("1", "d5")),
                        List.of(new AddRepository("b/y"), new AddTag("b/y", "1", "d9"), new AddTag("a/x", "3", "d3"),
                                new RemoveTag("a/x", "2"), new RemoveTag("c/z", "1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changes(String situation, Map<String, Map<String, String>> registry, Map<String, Map<String, String>> catalog,
            List<CatalogChange> expected) {
        assertEquals(expected, CatalogDiff.between(registry, catalog));
    }

    private static Map<String, Map<String, String>> ordered(String r1, Map<String, String> t1, String r2,
            Map<String, String> t2) {
        Map<String, Map<String, String>> picture = new LinkedHashMap<>();
        picture.put(r1, t1);
        picture.put(r2, t2);
        return picture;
    }
}
