package dev.portcullis.webhooks;

import java.time.Duration;

/**
 * When a failed delivery is tried again: the first wait, doubled per attempt up to a ceiling, with "equal jitter"
 * (half fixed, half random) so that the deliveries of a receiver that was down do not all come back at once.
 */
public record Backoff(Duration first, Duration ceiling) {

    /**
     * @param failedAttempts attempts made so far, at least 1
     * @param random a number in [0, 1): the jitter
     */
    public Duration after(int failedAttempts, double random) {
        long base = first.toMillis();
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long wait = Math.min(ceiling.toMillis(), base << doublings);
        if (wait < 0) {
            wait = ceiling.toMillis();
        }
        return Duration.ofMillis(wait / 2 + (long) (wait / 2.0 * random));
    }
}
