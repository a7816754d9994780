package dev.portcullis.webhooks;

import dev.portcullis.access.Namespace;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.hibernate.annotations.Generated;

/**
 * A webhook as its owners manage it (Panache: rare writes, see docs/adr/0005). The outbox and the delivery worker
 * read the same table with plain JDBC.
 */
@Entity
@Table(name = "webhooks")
public class Webhook extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** Null: a global webhook (admins), sent the events of every namespace. */
    @ManyToOne
    @JoinColumn(name = "namespace_id")
    public Namespace namespace;

    public String name;

    public String url;

    /** The {@link EventType#wire()} names subscribed to, comma separated (the outbox matches with FIND_IN_SET). */
    public String events;

    /** {@code cloudevents} or {@code portus}. */
    public String format;

    public boolean enabled;

    /** Custom request headers, a JSON object of strings. */
    public String headers;

    /** Signs every delivery; shown once, when the webhook is created. */
    public String secret;

    @Column(name = "consecutive_failures")
    public int consecutiveFailures;

    /** Why the worker disabled it, for its owners; null while enabled or when an owner disabled it. */
    @Column(name = "disabled_reason")
    public String disabledReason;

    @Column(name = "created_by")
    public String createdBy;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public List<String> eventList() {
        return events.isEmpty() ? List.of() : Arrays.asList(events.split(","));
    }
}
