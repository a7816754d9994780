package dev.portcullis.portus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did (or, dry, would have done): per kind of row, how many were created, changed, left as they were
 * (imported before, or already here) and skipped; and every conflict with how it was resolved.
 */
public final class ImportReport {

    /** Conflicts listed one by one; beyond this many only counted, so a pathological database cannot flood. */
    static final int MAX_LISTED = 1_000;

    /** One kind's counts. */
    public static final class Counts {
        public int created;
        public int changed;
        public int unchanged;
        public int skipped;
    }

    /** A Portus row that could not come over as it was, and what became of it. */
    public record Conflict(String kind, String portus, String problem, String resolution) {
    }

    public boolean dryRun;
    public long durationMillis;
    public final Map<String, Counts> kinds = new LinkedHashMap<>();
    public final List<Conflict> conflicts = new ArrayList<>();
    public int conflictsNotListed;

    ImportReport(boolean dryRun) {
        this.dryRun = dryRun;
    }

    Counts kind(String kind) {
        return kinds.computeIfAbsent(kind, k -> new Counts());
    }

    void created(String kind) {
        kind(kind).created++;
    }

    void changed(String kind) {
        kind(kind).changed++;
    }

    void unchanged(String kind) {
        kind(kind).unchanged++;
    }

    void skipped(String kind) {
        kind(kind).skipped++;
    }

    void conflict(String kind, String portus, String problem, String resolution) {
        if (conflicts.size() < MAX_LISTED) {
            conflicts.add(new Conflict(kind, portus, problem, resolution));
        } else {
            conflictsNotListed++;
        }
    }

    /** Created plus changed over every kind: zero on a second run over an unchanged Portus. */
    public int writes() {
        return kinds.values().stream().mapToInt(c -> c.created + c.changed).sum();
    }

    /** One line per kind, for the log and the command's output. */
    public String summary() {
        StringBuilder s = new StringBuilder(dryRun ? "Portus import (dry run, rolled back)" : "Portus import");
        s.append(" in ").append(durationMillis).append(" ms");
        kinds.forEach((kind, c) -> s.append(String.format("%n  %-12s created %d, changed %d, unchanged %d, skipped %d",
                kind, c.created, c.changed, c.unchanged, c.skipped)));
        s.append(String.format("%n  conflicts: %d", conflicts.size() + conflictsNotListed));
        return s.toString();
    }
}
