package dev.portcullis.webhooks;

import dev.portcullis.core.CountedGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhooks' meters: attempts by result ({@code delivered}, {@code retried}: failed and tried again later,
 * {@code failed}: the last attempt failed, {@code refused}: the target resolved to an internal address), the age of
 * the oldest pending delivery, pending deliveries, and the webhooks disabled after repeated failures.
 */
@Startup
@ApplicationScoped
public class WebhookMetrics {

    static final String DELIVERIES = "portcullis.webhooks.deliveries";

    @Inject
    MeterRegistry meters;

    @Inject
    CountedGauges gauges;

    private final Map<String, Counter> results = new ConcurrentHashMap<>();

    @PostConstruct
    void register() {
        for (String result : new String[] {"delivered", "retried", "failed", "refused"}) {
            results.put(result, Counter.builder(DELIVERIES).tag("result", result)
                    .description("Webhook delivery attempts by result").register(meters));
        }
        gauges.register("portcullis.webhooks.queue.age.seconds",
                "Age of the oldest delivery still pending (0: none), counted every portcullis.metrics.counts-every",
                "SELECT COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at), CURRENT_TIMESTAMP(6)), 0)"
                        + " FROM webhook_deliveries WHERE status = 'pending'");
        gauges.register("portcullis.webhooks.pending", "Deliveries waiting to be sent",
                "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'");
        gauges.register("portcullis.webhooks.disabled", "Webhooks disabled after repeated failed deliveries",
                "SELECT COUNT(*) FROM webhooks WHERE NOT enabled AND disabled_reason IS NOT NULL");
    }

    void attempted(String result) {
        results.get(result).increment();
    }
}
