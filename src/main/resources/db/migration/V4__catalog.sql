-- The registry's contents as Portcullis knows them: kept from events, repaired by reconciliation.
CREATE TABLE repositories (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    namespace    VARCHAR(255) NOT NULL,
    description  TEXT         NULL,
    created_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_push_at TIMESTAMP(6) NULL,
    last_pull_at TIMESTAMP(6) NULL,
    pull_count   BIGINT       NOT NULL DEFAULT 0,
    tag_count    INT          NOT NULL DEFAULT 0,
    CONSTRAINT uq_repositories_name UNIQUE (name),
    INDEX ix_repositories_namespace (namespace, name),
    INDEX ix_repositories_push (last_push_at, id),
    INDEX ix_repositories_pulls (pull_count, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE tags (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    repository_id  BIGINT        NOT NULL,
    name           VARCHAR(128)  NOT NULL,
    digest         VARCHAR(135)  CHARACTER SET ascii NOT NULL,
    media_type     VARCHAR(255)  NULL,
    pushed_by      VARCHAR(255)  NULL,
    pushed_at      TIMESTAMP(6)  NOT NULL,
    last_pulled_at TIMESTAMP(6)  NULL,
    CONSTRAINT uq_tags UNIQUE (repository_id, name),
    INDEX ix_tags_digest (repository_id, digest),
    CONSTRAINT fk_tags_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Details fetched from the registry once per digest (content-addressed: the same in every repository).
CREATE TABLE manifests (
    digest          VARCHAR(135)  CHARACTER SET ascii NOT NULL PRIMARY KEY,
    repository      VARCHAR(255)  NOT NULL,
    media_type      VARCHAR(255)  NULL,
    total_size      BIGINT        NULL,
    platforms       VARCHAR(4096) NULL,
    config_created  TIMESTAMP(6)  NULL,
    labels          TEXT          NULL,
    fetched_at      TIMESTAMP(6)  NULL,
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_error      VARCHAR(512)  NULL,
    INDEX ix_manifests_pending (fetched_at, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE stars (
    user_id       BIGINT       NOT NULL,
    repository_id BIGINT       NOT NULL,
    created_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (user_id, repository_id),
    INDEX ix_stars_repository (repository_id),
    CONSTRAINT fk_stars_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_stars_repository FOREIGN KEY (repository_id) REFERENCES repositories (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One replica at a time runs a job: whoever holds the unexpired lease.
CREATE TABLE leases (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    holder     VARCHAR(64)  NOT NULL,
    expires_at TIMESTAMP(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE reconciliations (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    started_at  TIMESTAMP(6)  NOT NULL,
    finished_at TIMESTAMP(6)  NULL,
    outcome     VARCHAR(16)   NOT NULL,
    added       INT           NOT NULL DEFAULT 0,
    removed     INT           NOT NULL DEFAULT 0,
    changes     TEXT          NULL,
    error       VARCHAR(1024) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Activity filters by tag and actor.
ALTER TABLE activities
    ADD INDEX ix_activities_actor (actor, occurred_at, id),
    ADD INDEX ix_activities_tag (repository, tag, occurred_at, id);
