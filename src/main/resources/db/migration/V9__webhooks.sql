-- Outgoing webhooks: per namespace (namespace_id) or global (NULL, admins only). The secret signs deliveries, so
-- it is kept as given (an HMAC needs it); the API never shows it again.
CREATE TABLE webhooks (
    id                   BIGINT AUTO_INCREMENT PRIMARY KEY,
    namespace_id         BIGINT        NULL,
    name                 VARCHAR(100)  NOT NULL,
    url                  VARCHAR(2048) NOT NULL,
    events               VARCHAR(255)  CHARACTER SET ascii NOT NULL,
    format               VARCHAR(16)   CHARACTER SET ascii NOT NULL,
    enabled              BOOLEAN       NOT NULL DEFAULT TRUE,
    headers              TEXT          NULL,
    secret               VARCHAR(255)  NOT NULL,
    consecutive_failures INT           NOT NULL DEFAULT 0,
    disabled_reason      VARCHAR(512)  NULL,
    created_by           VARCHAR(64)   NULL,
    created_at           TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    -- A deleted namespace takes its webhooks along: a name set free hands none of them to its next owner.
    CONSTRAINT fk_webhooks_namespace FOREIGN KEY (namespace_id) REFERENCES namespaces (id) ON DELETE CASCADE,
    INDEX ix_webhooks_enabled (enabled, namespace_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The outbox: one row per delivery to make, written in the transaction of the event (the catalog writer's) or of
-- the access change. Registry events are rendered from registry_events when sent; access changes and pings carry
-- their data here. Workers claim a row with a conditional UPDATE of claimed_by/claimed_until (no locking reads,
-- Galera-safe); only the oldest pending row of a webhook is eligible, so a webhook's deliveries go out in order.
CREATE TABLE webhook_deliveries (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    webhook_id      BIGINT        NOT NULL,
    event_type      VARCHAR(32)   CHARACTER SET ascii NOT NULL,
    event_id        VARCHAR(64)   CHARACTER SET ascii NULL,
    data            TEXT          NULL,
    created_at      TIMESTAMP(6)  NOT NULL,
    status          VARCHAR(16)   CHARACTER SET ascii NOT NULL DEFAULT 'pending',
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP(6)  NOT NULL,
    claimed_by      VARCHAR(64)   CHARACTER SET ascii NULL,
    claimed_until   TIMESTAMP(6)  NULL,
    finished_at     TIMESTAMP(6)  NULL,
    CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
    INDEX ix_webhook_deliveries_order (webhook_id, status, id),
    INDEX ix_webhook_deliveries_due (status, next_attempt_at),
    INDEX ix_webhook_deliveries_finished (finished_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The delivery log: every attempt as sent (headers without secrets, the body) and as answered.
CREATE TABLE webhook_attempts (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    delivery_id      BIGINT       NOT NULL,
    attempt          INT          NOT NULL,
    attempted_at     TIMESTAMP(6) NOT NULL,
    request_headers  TEXT         NOT NULL,
    request_body     MEDIUMTEXT   NOT NULL,
    response_status  INT          NULL,
    response_body    TEXT         NULL,
    error            VARCHAR(512) NULL,
    duration_ms      INT          NOT NULL,
    CONSTRAINT fk_webhook_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id)
        ON DELETE CASCADE,
    INDEX ix_webhook_attempts_delivery (delivery_id, attempt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
