package dev.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How pages write times, sizes, digests and messages: one row per case. */
class WebFormatsTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @ParameterizedTest(name = "{0} s before now: {1}")
    @CsvSource({
        "0, just now",
        "44, just now",
        "60, 1 minute ago",
        "150, 3 minutes ago",
        "5400, 2 hours ago",
        "86400, 1 day ago",
        "5184000, 2 months ago",
        "79200, 1 day ago",
        "63072000, 2 years ago",
        "-7200, in 2 hours",
    })
    void relativeTimes(long secondsAgo, String expected) {
        assertEquals(expected, Formats.relative(NOW.minus(Duration.ofSeconds(secondsAgo)), NOW));
    }

    @ParameterizedTest(name = "{0} bytes: {1}")
    @CsvSource({"0, 0 B", "999, 999 B", "1000, 1.0 kB", "1536, 1.5 kB", "25000000, 25 MB", "3200000000, 3.2 GB"})
    void sizes(long bytes, String expected) {
        assertEquals(expected, Formats.bytes(bytes));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "'sha256:0123456789abcdef0123', sha256:0123456789ab",
        "'sha256:0123', sha256:0123",
        "'no such team', No such team.",
        "'Done!', Done!",
    })
    void digestsAndSentences(String input, String expected) {
        assertEquals(expected, input.startsWith("sha256:") ? Formats.shortDigest(input) : Formats.sentence(input));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "# Title\\n\\nbody | Title",
        "\\n\\n> quoted line | quoted line",
        "- item | item",
    })
    void excerpts(String markdown, String expected) {
        assertEquals(expected, Formats.excerpt(markdown.replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "exact {0}")
    @CsvSource({"2026-11-27T12:00:00.123Z, 2026-11-27 12:00:00 UTC, 2026-11-27T12:00:00Z"})
    void exactTimes(String instant, String exact, String iso) {
        assertEquals(exact, Formats.exact(Instant.parse(instant)));
        assertEquals(iso, Formats.iso(Instant.parse(instant)));
    }
}
