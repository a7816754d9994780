package dev.portcullis.events;

import java.util.List;

/** A parsed notification body: the events understood, and those set aside for inspection. */
public record Envelope(List<RegistryEvent> events, List<ParkedEvent> parked) {

    /** An event that could not be understood; kept with its raw JSON and the reason. */
    public record ParkedEvent(String id, String reason, String payload) {
    }
}
