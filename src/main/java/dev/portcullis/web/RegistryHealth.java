package dev.portcullis.web;

import dev.portcullis.registry.RegistryStatus;
import java.time.Instant;

/** The registry as an admin watches it, flattened for the pages from {@link RegistryStatus} (the API's answer). */
public record RegistryHealth(String url, boolean reachable, Instant lastReconciliation, String lastOutcome,
        String lastError, long events, long parked, long detailsPending, long detailsFailing, long repositories,
        long tags) {

    static RegistryHealth of(RegistryStatus.View status) {
        RegistryStatus.Reconciliation last = status.lastReconciliation();
        return new RegistryHealth(status.url(), status.reachable(), last == null ? null : last.startedAt(),
                last == null ? null : last.outcome(), last == null ? null : last.error(), status.events().stored(),
                status.events().parked(), status.details().pending(), status.details().failing(),
                status.repositories(), status.tags());
    }
}
