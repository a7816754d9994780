package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeParserTest {

    final EnvelopeParser parser = new EnvelopeParser(new ObjectMapper());

    static byte[] sample(String name) throws IOException {
        try (InputStream in = EnvelopeParserTest.class.getResourceAsStream("/samples/" + name)) {
            return in.readAllBytes();
        }
    }

    static byte[] json(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsARealPushEvent() throws IOException {
        Envelope envelope = parser.parse(sample("push-event.json"));
        assertEquals(1, envelope.events().size());
        RegistryEvent e = envelope.events().get(0);
        assertEquals("138fd9a6-b88d-433b-867c-dd5552eb2852", e.id());
        assertEquals(Instant.parse("2026-11-27T01:39:03.510550211Z"), e.timestamp());
        assertEquals("push", e.action());
        assertEquals("alice/hello", e.repository());
        assertEquals("1", e.tag());
        assertEquals("sha256:df34a9219dad8e61743935ad97594c212c857d28ca3eebefd0ab522098e68ca3", e.digest());
        assertEquals("application/vnd.oci.image.manifest.v1+json", e.mediaType());
        assertEquals(418L, e.size());
        assertEquals("alice", e.actor());
        assertEquals("PUT", e.requestMethod());
        assertEquals("skopeo/1.9.3", e.userAgent());
        assertEquals("86264d4b-e6ce-4303-9a00-050ef2afa897", e.sourceInstance());
        assertEquals("push", e.activity());
        assertEquals("alice", e.namespace());
    }

    @Test
    void aGetPullIsAnActivityAndAHeadIsNot() throws IOException {
        RegistryEvent get = parser.parse(sample("pull-event.json")).events().get(0);
        assertEquals("pull", get.activity());
        String head = new String(sample("pull-event.json"), StandardCharsets.UTF_8).replace("\"GET\"", "\"HEAD\"");
        assertNull(parser.parse(head.getBytes(StandardCharsets.UTF_8)).events().get(0).activity());
    }

    @Test
    void blobsAndMountsAreKeptButNotShown() {
        Envelope envelope = parser.parse(json("{'events':[{'id':'b1','timestamp':'2026-11-27T01:00:00+02:00',"
                + "'action':'push','target':{'mediaType':'application/octet-stream','digest':'sha256:aa','size':12,"
                + "'repository':'alice/app','url':'http://r/v2/alice/app/blobs/sha256:aa'},'actor':{}},"
                + "{'id':'m1','timestamp':'2026-11-27T01:00:00Z','action':'mount','target':{'repository':'alice/app',"
                + "'fromRepository':'bob/app','mediaType':'application/octet-stream'}}]}"));
        assertEquals(2, envelope.events().size());
        assertNull(envelope.events().get(0).activity());
        assertNull(envelope.events().get(0).actor());
        assertEquals(Instant.parse("2026-11-26T23:00:00Z"), envelope.events().get(0).timestamp());
        assertNull(envelope.events().get(1).activity());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json"})
    void everyManifestKindIsAManifestEvent(String mediaType) {
        RegistryEvent e = parser.parse(json("{'events':[{'id':'x','timestamp':'2026-11-27T01:00:00Z','action':'push',"
                + "'target':{'mediaType':'" + mediaType + "','repository':'a/b','digest':'sha256:1'}}]}"))
                .events().get(0);
        assertEquals("push", e.activity());
    }

    @Test
    void aDeleteByDigestIsAManifestDelete() {
        RegistryEvent e = parser.parse(json("{'events':[{'id':'d','timestamp':'2026-11-27T01:00:00Z',"
                + "'action':'delete','target':{'digest':'sha256:1','repository':'a/b'}}]}")).events().get(0);
        assertEquals("delete", e.activity());
    }

    @Test
    void unknownFieldsAreIgnored() {
        Envelope envelope = parser.parse(json("{'extra':1,'events':[{'id':'x','timestamp':'2026-11-27T01:00:00Z',"
                + "'action':'push','new':{'a':1},'target':{'repository':'a/b','references':[{'x':1}]}}]}"));
        assertEquals(1, envelope.events().size());
    }

    @Test
    void eventsThatCannotBeUnderstoodAreParkedNotFatal() {
        Envelope envelope = parser.parse(json("{'events':[{'id':'good','timestamp':'2026-11-27T01:00:00Z',"
                + "'action':'push','target':{'repository':'a/b'}},"
                + "{'id':'no-target','timestamp':'2026-11-27T01:00:00Z','action':'push'},"
                + "{'id':'bad-size','timestamp':'2026-11-27T01:00:00Z','action':'push','target':{'repository':'a/b','size':'big'}},"
                + "{'id':'bad-time','timestamp':'yesterday','action':'push','target':{'repository':'a/b'}},"
                + "{'id':7,'timestamp':'2026-11-27T01:00:00Z','action':'push','target':{'repository':'a/b'}},"
                + "{'id':'odd','timestamp':'2026-11-27T01:00:00Z','action':'teleport','target':{'repository':'a/b'}},"
                + "'not an object']}"));
        assertEquals(1, envelope.events().size());
        assertEquals(6, envelope.parked().size());
        assertEquals("no-target", envelope.parked().get(0).id());
        assertEquals("missing target", envelope.parked().get(0).reason());
        assertNull(envelope.parked().get(3).id());
        assertTrue(envelope.parked().get(1).payload().contains("big"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "{}", "{'events':{}}", "{'events':'x'}", "not json", "{'events':["})
    void aMalformedEnvelopeIsRefused(String body) {
        assertThrows(EnvelopeParser.MalformedEnvelopeException.class, () -> parser.parse(json(body)));
    }
}
