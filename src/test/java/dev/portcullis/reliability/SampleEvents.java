package dev.portcullis.reliability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Registry notifications as distribution 2.8 writes them (see {@code samples/push-event.json}). */
public final class SampleEvents {

    static final String MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private SampleEvents() {
    }

    /** A manifest push by tag: an event, an activity and a tag in the catalog. */
    public static String manifestPush(String id, String repository, String tag, String digest, Instant at) {
        return """
                {"id":"%s","timestamp":"%s","action":"push",
                 "target":{"mediaType":"%s","size":418,"digest":"%s","length":418,
                   "repository":"%s","url":"http://r/v2/%s/manifests/%s","tag":"%s"},
                 "request":{"id":"%s","addr":"127.0.0.1:1","host":"r","method":"PUT","useragent":"skopeo/1.9.3"},
                 "actor":{"name":"reliability"},"source":{"addr":"vm:5000","instanceID":"i1"}}"""
                .formatted(id, at, MANIFEST, digest, repository, repository, digest, tag, id);
    }

    /** A pull by tag (a GET of the manifest): an event, an activity, one more pull of the repository. */
    static String manifestPull(String id, String repository, String tag, String digest, Instant at) {
        return """
                {"id":"%s","timestamp":"%s","action":"pull",
                 "target":{"mediaType":"%s","size":418,"digest":"%s","length":418,
                   "repository":"%s","url":"http://r/v2/%s/manifests/%s","tag":"%s"},
                 "request":{"id":"%s","addr":"127.0.0.1:1","host":"r","method":"GET","useragent":"docker/20.10"},
                 "actor":{"name":"reliability"},"source":{"addr":"vm:5000","instanceID":"i1"}}"""
                .formatted(id, at, MANIFEST, digest, repository, repository, tag, tag, id);
    }

    /** A blob fetched by a client: stored as an event, but neither an activity nor a change to the catalog. */
    static String blobPull(String id, String repository, String digest, Instant at) {
        return """
                {"id":"%s","timestamp":"%s","action":"pull",
                 "target":{"mediaType":"application/octet-stream","size":31457280,"digest":"%s","length":31457280,
                   "repository":"%s","url":"http://r/v2/%s/blobs/%s"},
                 "request":{"id":"%s","addr":"127.0.0.1:1","host":"r","method":"GET","useragent":"containerd/1.7"},
                 "actor":{"name":"ci"},"source":{"addr":"vm:5000","instanceID":"i1"}}"""
                .formatted(id, at, digest, repository, repository, digest, id);
    }

    /**
     * Each event {@code copies} times, shuffled and cut into envelopes of 1 to {@code maxEnvelope} events: how an
     * at-least-once sender with retries and batching delivers them, so copies of one event race each other.
     */
    static List<String> shuffledEnvelopes(List<String> events, int copies, int maxEnvelope, Random random) {
        List<Integer> order = new ArrayList<>(events.size() * copies);
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < events.size(); i++) {
                order.add(i);
            }
        }
        Collections.shuffle(order, random);
        List<String> envelopes = new ArrayList<>();
        for (int from = 0; from < order.size(); ) {
            int size = Math.min(1 + random.nextInt(maxEnvelope), order.size() - from);
            envelopes.add(envelope(order.subList(from, from + size).stream().map(events::get).toList()));
            from += size;
        }
        return envelopes;
    }

    /** {@code {"events":[...]}} around already serialised events. */
    public static String envelope(List<String> events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }
}
