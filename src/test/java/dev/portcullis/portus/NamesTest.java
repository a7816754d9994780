package dev.portcullis.portus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Portus names as the grammar here takes them: kept when valid, repaired as Portus repaired namespace names. */
class NamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "alice, alice",
        "john.doe, john.doe",
        "a__b, a__b",
        "John.Doe, john.doe",
        "Erin..X, erin_x",
        "'  bob smith ', bob_smith",
        "__x__, x",
        "é, NULL",
        "'', NULL",
        "-.-, NULL"})
    void repaired(String portus, String ours) {
        assertEquals(ours, Names.ours(portus, 64));
    }

    @ParameterizedTest
    @CsvSource({"10, NULL", "11, aaaaaaaaaaa"})
    void tooLongForUsNeverTruncated(int max, String expected) {
        assertEquals("NULL".equals(expected) ? null : expected, Names.ours("a".repeat(11), max));
    }

    @org.junit.jupiter.api.Test
    void activityParametersAreReadNotEvaluated() {
        assertEquals(Map.of("namespace_name", "dev", "tag_name", "1.0", "visibility", "visibility_public"),
                ActivityImport.parameters("---\n:namespace_name: dev\n:tag_name: '1.0'\n"
                        + ":visibility: visibility_public\n:team: !ruby/object:Team\n  id: 3\n").entrySet().stream()
                        .filter(e -> !e.getKey().equals("team"))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertEquals(Map.of(), ActivityImport.parameters("--- {}\n"));
        assertEquals(Map.of(), ActivityImport.parameters(null));
    }
}
