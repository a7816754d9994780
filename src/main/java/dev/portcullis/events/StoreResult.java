package dev.portcullis.events;

/** What one delivery changed: events stored for the first time, repeats of stored ones, events parked. */
public record StoreResult(int stored, int duplicates, int parked) {
}
