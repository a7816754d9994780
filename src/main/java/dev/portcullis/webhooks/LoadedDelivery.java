package dev.portcullis.webhooks;

import java.util.Map;

/** A claimed delivery as one attempt sends it: the webhook's target and settings, and the body built once. */
record LoadedDelivery(long webhookId, EventType type, Format format, String url, String secret,
        Map<String, String> headers, int attempts, byte[] body) {
}
