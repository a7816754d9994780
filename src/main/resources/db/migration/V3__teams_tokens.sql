-- Teams own namespaces; members hold one role each.
CREATE TABLE teams (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    description TEXT         NULL,
    created_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT uq_teams_name UNIQUE (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE team_members (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    team_id    BIGINT       NOT NULL,
    user_id    BIGINT       NOT NULL,
    role       VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    CONSTRAINT uq_team_members UNIQUE (team_id, user_id),
    INDEX ix_team_members_user (user_id),
    CONSTRAINT fk_team_members_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT fk_team_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

ALTER TABLE namespaces
    ADD COLUMN team_id BIGINT NULL AFTER owner_user_id,
    ADD CONSTRAINT fk_namespaces_team FOREIGN KEY (team_id) REFERENCES teams (id);

-- The one global namespace (names without '/'). '_global' is outside the name grammar: it never collides.
INSERT INTO namespaces (name, kind, visibility, description)
VALUES ('_global', 'GLOBAL', 'PROTECTED', 'Repositories whose names have no namespace');

-- Application tokens: the secret is shown once and stored only as an HMAC-SHA-256 (keyed, fast: it is random).
CREATE TABLE application_tokens (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT        NOT NULL,
    name         VARCHAR(100)  NOT NULL,
    token_hash   BINARY(32)    NOT NULL,
    read_only    BOOLEAN       NOT NULL DEFAULT FALSE,
    namespaces   VARCHAR(4096) NULL,
    created_at   TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at   TIMESTAMP(6)  NULL,
    last_used_at TIMESTAMP(6)  NULL,
    revoked_at   TIMESTAMP(6)  NULL,
    CONSTRAINT uq_application_tokens_hash UNIQUE (token_hash),
    INDEX ix_application_tokens_user (user_id, id),
    CONSTRAINT fk_application_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A refresh token got with an application token keeps its limits and dies with it.
ALTER TABLE refresh_tokens
    ADD COLUMN application_token_id BIGINT NULL,
    ADD CONSTRAINT fk_refresh_tokens_app_token FOREIGN KEY (application_token_id)
        REFERENCES application_tokens (id) ON DELETE CASCADE;

-- Access changes join the feed: who changed which team, namespace or user.
ALTER TABLE activities
    ADD COLUMN team VARCHAR(255) NULL,
    ADD COLUMN target_user VARCHAR(64) NULL,
    ADD COLUMN detail VARCHAR(1024) NULL,
    ADD INDEX ix_activities_team (team, occurred_at, id),
    ADD INDEX ix_activities_target_user (target_user, occurred_at, id);

-- Global repositories' activities are filed under the global namespace's name.
UPDATE activities SET namespace = '_global' WHERE namespace IS NULL AND repository IS NOT NULL;
