package dev.portcullis.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** The payload a webhook is sent. */
public enum Format {
    /** CloudEvents 1.0, structured JSON mode ({@code application/cloudevents+json}). */
    CLOUDEVENTS("cloudevents", "application/cloudevents+json"),
    /** What Portus sent: the registry's notification envelope, so receivers built for Portus keep working. */
    PORTUS("portus", "application/vnd.docker.distribution.events.v1+json");

    private final String wire;
    private final String contentType;

    Format(String wire, String contentType) {
        this.wire = wire;
        this.contentType = contentType;
    }

    public String wire() {
        return wire;
    }

    public String contentType() {
        return contentType;
    }

    public static Optional<Format> ofWire(String name) {
        return Arrays.stream(values()).filter(f -> f.wire.equals(name)).findFirst();
    }
}
