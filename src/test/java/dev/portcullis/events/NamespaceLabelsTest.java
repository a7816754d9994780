package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class NamespaceLabelsTest {

    @Test
    void theFirstNamespacesGetTheirOwnLabelAndTheRestShareOther() {
        NamespaceLabels labels = new NamespaceLabels(2);
        assertEquals("alice", labels.label("alice"));
        assertEquals("bob", labels.label("bob"));
        assertEquals(NamespaceLabels.OTHER, labels.label("carol"));
        assertEquals("alice", labels.label("alice"), "a seated namespace keeps its label");
        assertEquals(NamespaceLabels.OTHER, labels.label("carol"), "and so does one that came too late");
    }

    @Test
    void seatedNamespacesComeFirst() {
        NamespaceLabels labels = new NamespaceLabels(2);
        labels.seat(List.of("busy", "busier", "third"));
        assertEquals(NamespaceLabels.OTHER, labels.label("newcomer"));
        assertEquals("busier", labels.label("busier"));
        assertEquals(NamespaceLabels.OTHER, labels.label("third"), "seating stops at the limit");
    }

    @Test
    void zeroPutsEveryNamespaceUnderOther() {
        NamespaceLabels labels = new NamespaceLabels(0);
        assertEquals(NamespaceLabels.OTHER, labels.label("alice"));
    }

    /** Many threads, many namespaces: never more than the limit of distinct values, plus "_other". */
    @Test
    void theBoundHoldsUnderConcurrency() throws Exception {
        NamespaceLabels labels = new NamespaceLabels(20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Set<String>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < 5_000; i++) {
                        seen.add(labels.label("ns" + ((i * 7 + offset) % 1_000)));
                    }
                    return seen;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<Set<String>> f : results) {
                all.addAll(f.get());
            }
            assertEquals(21, all.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
