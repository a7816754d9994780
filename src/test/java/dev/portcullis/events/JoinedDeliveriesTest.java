package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.registry.CatalogWriter;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The catalog writer joins the deliveries queued together into one statement per kind of row
 * ({@link EventStore#storeAll}). That must change nothing but the cost: random histories of pushes, moves, pulls and
 * deletes (by tag and by digest), out of order and with repeats across deliveries, are stored once delivery by
 * delivery (each its own transaction) and once all joined, into two namespaces of their own; both catalogs, the
 * tombstones, the manifests and every delivery's answer must be the same.
 */
@QuarkusTest
class JoinedDeliveriesTest {

    static final int HISTORIES = 40;

    @Inject
    CatalogWriter writer;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Test
    void joiningDeliveriesChangesNothingButTheCost() throws Exception {
        EnvelopeParser parser = new EnvelopeParser(json);
        for (int history = 0; history < HISTORIES; history++) {
            String run = "jd" + UUID.randomUUID().toString().substring(0, 8);
            List<String> one = deliveries(run + "-one", new Random(history));
            List<String> joined = deliveries(run + "-all", new Random(history));
            List<EventStore.Stored> each = new ArrayList<>();
            for (String delivery : one) {
                Envelope envelope = parser.parse(delivery.getBytes(StandardCharsets.UTF_8));
                each.add(writer.write(catalog -> EventStore.store(catalog, envelope)));
            }
            List<Envelope> envelopes = joined.stream()
                    .map(d -> parser.parse(d.getBytes(StandardCharsets.UTF_8))).toList();
            List<EventStore.Stored> together = writer.write(catalog -> EventStore.storeAll(catalog, envelopes));
            assertEquals(answers(each), answers(together), "history " + history + ": the deliveries' answers");
            List<String> expected = state(run + "-one");
            assertFalse(expected.isEmpty());
            assertEquals(expected, state(run + "-all"), "history " + history);
        }
    }

    private static List<String> answers(List<EventStore.Stored> stored) {
        return stored.stream().map(s -> s.result().toString()).toList();
    }

    /** 2 to 12 deliveries of 1 to 6 events over 3 repositories, 3 tags and 4 images, each event 1 or 2 times. */
    private static List<String> deliveries(String namespace, Random random) throws Exception {
        Instant base = Instant.parse("2026-12-01T10:00:00Z");
        List<String> events = new ArrayList<>();
        int count = 4 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            String repository = namespace + "/r" + random.nextInt(3);
            String tag = "t" + random.nextInt(3);
            String digest = digest(namespace + random.nextInt(4));
            Instant at = base.plusMillis(random.nextInt(60_000));
            String id = namespace + "-e" + i;
            int kind = random.nextInt(10);
            String event = kind < 5 ? event(id, at, "push", repository, tag, digest, "PUT")
                    : kind < 8 ? event(id, at, "pull", repository, tag, digest, "GET")
                    : kind < 9 ? event(id, at, "delete", repository, tag, null, "DELETE")
                    : event(id, at, "delete", repository, null, digest, "DELETE");
            events.add(event);
            if (random.nextInt(4) == 0) {
                events.add(event); // a retry of the registry's, in another delivery or the same
            }
        }
        Collections.shuffle(events, random);
        List<String> deliveries = new ArrayList<>();
        for (int from = 0; from < events.size(); ) {
            int size = Math.min(1 + random.nextInt(6), events.size() - from);
            deliveries.add("{\"events\":[" + String.join(",", events.subList(from, from + size)) + "]}");
            from += size;
        }
        return deliveries;
    }

    private static String event(String id, Instant at, String action, String repository, String tag, String digest,
            String method) {
        String target = "\"repository\":\"" + repository + "\""
                + (tag == null ? "" : ",\"tag\":\"" + tag + "\"")
                + (digest == null ? "" : ",\"digest\":\"" + digest + "\"")
                + (action.equals("delete") ? "" : ",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":418");
        return """
                {"id":"%s","timestamp":"%s","action":"%s","target":{%s},
                 "request":{"id":"%s","method":"%s","useragent":"docker/20.10"},"actor":{"name":"ci"}}"""
                .formatted(id, at, action, target, id, method);
    }

    private static String digest(String seed) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(seed.getBytes(StandardCharsets.UTF_8)));
    }

    /** The namespace's repositories, tags, manifests and tombstones, with its name and digests made neutral. */
    private List<String> state(String namespace) throws Exception {
        List<String> rows = new ArrayList<>();
        String prefix = namespace + "/";
        query(rows, "SELECT name, tag_count, pull_count, last_push_at, last_pull_at FROM repositories"
                + " WHERE namespace = ? ORDER BY name", namespace);
        query(rows, "SELECT r.name, t.name, t.digest, t.media_type, t.pushed_by, t.pushed_at, t.last_pulled_at FROM tags t"
                + " JOIN repositories r ON r.id = t.repository_id WHERE r.namespace = ? ORDER BY r.name, t.name", namespace);
        query(rows, "SELECT digest, repository, media_type FROM manifests WHERE repository LIKE CONCAT(?, '/%')"
                + " ORDER BY repository, digest", namespace);
        query(rows, "SELECT repository, reference, deleted_at FROM tombstones WHERE repository LIKE CONCAT(?, '/%')"
                + " ORDER BY repository, reference", namespace);
        query(rows, "SELECT event_id, action, repository, tag FROM activities WHERE namespace = ? ORDER BY event_id",
                namespace);
        List<String> neutral = new ArrayList<>();
        for (String row : rows) {
            String r = row.replace(prefix, "NS/").replace(namespace, "NS");
            for (int i = 0; i < 4; i++) {
                r = r.replace(digest(namespace + i), "D" + i);
            }
            neutral.add(r);
        }
        Collections.sort(neutral); // digests differ between the two namespaces, and with them the database's order
        return neutral;
    }

    private void query(List<String> rows, String sql, String namespace) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, namespace);
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder(sql.substring(7, 20));
                    for (int i = 1; i <= columns; i++) {
                        row.append(" | ").append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
    }
}
