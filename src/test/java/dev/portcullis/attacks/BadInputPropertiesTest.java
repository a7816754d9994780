package dev.portcullis.attacks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.policy.AccessPolicy;
import dev.portcullis.access.policy.Decision;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.events.Envelope;
import dev.portcullis.events.EnvelopeParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * Every input gets a defined answer: the scope parser, the name grammar and the envelope parser either accept
 * or refuse with their own exception, never anything else (which the API would turn into a 500).
 */
class BadInputPropertiesTest {

    static final EnvelopeParser ENVELOPES = new EnvelopeParser(new ObjectMapper());

    @Property(tries = 2000)
    void scopesParseOrAreRefusedAsMalformed(@ForAll("scopeLike") String text) {
        try {
            for (Scope scope : Scope.parseAll(List.of(text))) {
                assertTrue(scope.name().length() <= 300, scope::toString);
                assertTrue(!scope.actions().isEmpty(), scope::toString);
                // Whatever parses, the policy answers with a subset of what was asked, for anyone.
                Decision decision = AccessPolicy.decide(new Subject("mallory", false), scope,
                        NamespaceFacts.unknown(String.valueOf(RepositoryName.namespaceOf(scope.name()))));
                assertTrue(decision.granted().actions().isEmpty(), "a stranger gets nothing: " + scope);
            }
        } catch (Scope.MalformedScopeException expected) {
            // a defined answer: 400
        }
    }

    @Property(tries = 2000)
    void anyStringIsOrIsNotARepositoryName(@ForAll @StringLength(max = 300) String name) {
        boolean valid = RepositoryName.isValid(name);
        if (valid) {
            assertTrue(name.length() <= 255 && name.equals(name.toLowerCase()) && !name.contains(".."), name);
        }
    }

    @Property(tries = 1000)
    void anyBodyIsAnEnvelopeOrAMalformedOne(@ForAll("jsonLike") String body) {
        try {
            Envelope envelope = ENVELOPES.parse(body.getBytes(StandardCharsets.UTF_8));
            envelope.parked().forEach(p -> assertTrue(p.reason() != null && !p.reason().isBlank()));
            envelope.events().forEach(e -> assertTrue(e.id() != null && e.repository() != null && e.timestamp() != null));
        } catch (EnvelopeParser.MalformedEnvelopeException expected) {
            // a defined answer: 400
        }
    }

    @Provide
    Arbitrary<String> scopeLike() {
        Arbitrary<String> part = Arbitraries.oneOf(
                Arbitraries.of("repository", "registry", "repository(plugin)", "Repository", "", "*", "catalog",
                        "alice/app", "alice/../app", "localhost:5000/a/b", "a".repeat(260), "аlice", "a__b",
                        "pull", "push", "delete", "*", "pull,push", "pull,,push", ":", " ", "a b"),
                Arbitraries.strings().ofMaxLength(20));
        return part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(Arbitraries.of(":", ",", "/", " ")
                .sample(), parts));
    }

    @Provide
    Arbitrary<String> jsonLike() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("null", "1", "-1", "1e400", "\"x\"", "true", "[]", "{}", "\"2026-11-27T01:00:00Z\"",
                        "{\"repository\":\"a/b\"}", "{\"name\":\"alice\"}", "\"" + "x".repeat(300) + "\""),
                Arbitraries.strings().ofMaxLength(10).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""));
        Arbitrary<String> field = Arbitraries.of("id", "timestamp", "action", "target", "actor", "request", "source",
                "size", "other");
        Arbitrary<String> event = Arbitraries.maps(field, value).ofMaxSize(7).map(m -> {
            StringBuilder s = new StringBuilder("{");
            m.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return s.append('}').toString();
        });
        return Arbitraries.oneOf(
                event.list().ofMaxSize(5).map(events -> "{\"events\":[" + String.join(",", events) + "]}"),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("{\"events\":", "{\"events\":null}", "[]", "", "{\"events\":[1,2,\"x\",null]}"));
    }
}
