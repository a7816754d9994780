-- Every event the registry delivered, once: the unique event_id makes retries harmless.
CREATE TABLE registry_events (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    event_id        VARCHAR(64)   CHARACTER SET ascii NOT NULL,
    occurred_at     TIMESTAMP(6)  NOT NULL,
    received_at     TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    action          VARCHAR(16)   NOT NULL,
    repository      VARCHAR(255)  NOT NULL,
    tag             VARCHAR(128)  NULL,
    digest          VARCHAR(135)  CHARACTER SET ascii NULL,
    media_type      VARCHAR(255)  NULL,
    size            BIGINT        NULL,
    url             VARCHAR(2048) NULL,
    from_repository VARCHAR(255)  NULL,
    actor           VARCHAR(255)  NULL,
    request_id      VARCHAR(64)   NULL,
    request_addr    VARCHAR(255)  NULL,
    request_host    VARCHAR(255)  NULL,
    request_method  VARCHAR(16)   NULL,
    user_agent      VARCHAR(1024) NULL,
    source_addr     VARCHAR(255)  NULL,
    source_instance VARCHAR(64)   NULL,
    CONSTRAINT uq_registry_events_event_id UNIQUE (event_id),
    INDEX ix_registry_events_repository (repository, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Events that could not be understood: kept aside for inspection, never blocking the registry's queue.
CREATE TABLE parked_events (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    event_id    VARCHAR(64) CHARACTER SET ascii NULL,
    reason      VARCHAR(512) NOT NULL,
    payload     MEDIUMTEXT   NOT NULL,
    received_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT uq_parked_events_event_id UNIQUE (event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The feed users read: manifest pushes, GET pulls and deletes (later also access changes).
CREATE TABLE activities (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    event_id    VARCHAR(64)  CHARACTER SET ascii NULL,
    occurred_at TIMESTAMP(6) NOT NULL,
    action      VARCHAR(32)  NOT NULL,
    namespace   VARCHAR(255) NULL,
    repository  VARCHAR(255) NULL,
    tag         VARCHAR(128) NULL,
    digest      VARCHAR(135) CHARACTER SET ascii NULL,
    actor       VARCHAR(255) NULL,
    CONSTRAINT uq_activities_event_id UNIQUE (event_id),
    INDEX ix_activities_time (occurred_at, id),
    INDEX ix_activities_repository (repository, occurred_at, id),
    INDEX ix_activities_namespace (namespace, occurred_at, id),
    INDEX ix_activities_action (action, occurred_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
