-- Portus 2.4's database, transcribed by hand into MariaDB DDL from SUSE/Portus db/schema.rb
-- (ActiveRecord::Schema version 20180612145708, the schema Portus 2.4 ships). Table and column names, types,
-- defaults, nullability and indexes as Rails 4.2's mysql2 adapter creates them: `integer limit: 4` is INT(11),
-- `string limit: 255` is VARCHAR(255), `text limit: 65535` is TEXT, `boolean` is TINYINT(1), `datetime` is
-- DATETIME, and every table has Rails's `id INT(11) AUTO_INCREMENT PRIMARY KEY`. Enums are integers whose
-- meaning lives in the models (app/models/team_user.rb role: viewer 0, contributor 1, owner 2;
-- app/models/namespace.rb visibility: private 0, protected 1, public 2; app/models/webhook.rb request_method:
-- GET 0, POST 1, content_type: application/json 0, application/x-www-form-urlencoded 1).

CREATE TABLE activities (
  id             INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  trackable_id   INT(11)      DEFAULT NULL,
  trackable_type VARCHAR(255) DEFAULT NULL,
  owner_id       INT(11)      DEFAULT NULL,
  owner_type     VARCHAR(255) DEFAULT NULL,
  `key`          VARCHAR(255) DEFAULT NULL,
  parameters     TEXT,
  recipient_id   INT(11)      DEFAULT NULL,
  recipient_type VARCHAR(255) DEFAULT NULL,
  created_at     DATETIME     DEFAULT NULL,
  updated_at     DATETIME     DEFAULT NULL,
  KEY index_activities_on_key (`key`),
  KEY index_activities_on_owner_id_and_owner_type (owner_id, owner_type),
  KEY index_activities_on_recipient_id_and_recipient_type (recipient_id, recipient_type),
  KEY index_activities_on_trackable_id_and_trackable_type (trackable_id, trackable_type),
  KEY index_activities_on_trackable_type (trackable_type)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE application_tokens (
  id          INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  application VARCHAR(255) NOT NULL,
  token_hash  VARCHAR(255) NOT NULL,
  token_salt  VARCHAR(255) NOT NULL,
  user_id     INT(11)      NOT NULL,
  KEY index_application_tokens_on_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE comments (
  id            INT(11)  NOT NULL AUTO_INCREMENT PRIMARY KEY,
  body          TEXT,
  repository_id INT(11)  DEFAULT NULL,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL,
  user_id       INT(11)  DEFAULT NULL,
  KEY index_comments_on_repository_id (repository_id),
  KEY index_comments_on_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE namespaces (
  id          INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(255) DEFAULT NULL,
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  team_id     INT(11)      DEFAULT NULL,
  registry_id INT(11)      NOT NULL,
  global      TINYINT(1)   DEFAULT 0,
  description TEXT,
  visibility  INT(11)      DEFAULT NULL,
  UNIQUE KEY index_namespaces_on_name_and_registry_id (name, registry_id),
  KEY index_namespaces_on_registry_id (registry_id),
  KEY index_namespaces_on_team_id (team_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE registries (
  id                INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(255) NOT NULL,
  hostname          VARCHAR(255) NOT NULL,
  created_at        DATETIME     NOT NULL,
  updated_at        DATETIME     NOT NULL,
  use_ssl           TINYINT(1)   DEFAULT NULL,
  external_hostname VARCHAR(255) DEFAULT NULL,
  UNIQUE KEY index_registries_on_hostname (hostname),
  UNIQUE KEY index_registries_on_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE registry_events (
  id         INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id   VARCHAR(255) DEFAULT '',
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL,
  status     INT(11)      DEFAULT 0,
  data       TEXT
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE repositories (
  id           INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name         VARCHAR(255) NOT NULL DEFAULT '',
  namespace_id INT(11)      DEFAULT NULL,
  created_at   DATETIME     NOT NULL,
  updated_at   DATETIME     NOT NULL,
  marked       TINYINT(1)   DEFAULT 0,
  UNIQUE KEY index_repositories_on_name_and_namespace_id (name, namespace_id),
  KEY index_repositories_on_namespace_id (namespace_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE scan_results (
  id               INT(11)  NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tag_id           INT(11)  DEFAULT NULL,
  vulnerability_id INT(11)  DEFAULT NULL,
  created_at       DATETIME NOT NULL,
  updated_at       DATETIME NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE stars (
  id            INT(11)  NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id       INT(11)  DEFAULT NULL,
  repository_id INT(11)  DEFAULT NULL,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL,
  KEY index_stars_on_repository_id (repository_id),
  KEY index_stars_on_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE tags (
  id            INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(255) NOT NULL DEFAULT 'latest',
  repository_id INT(11)      NOT NULL,
  created_at    DATETIME     NOT NULL,
  updated_at    DATETIME     NOT NULL,
  user_id       INT(11)      DEFAULT NULL,
  digest        VARCHAR(255) DEFAULT NULL,
  image_id      VARCHAR(255) DEFAULT '',
  marked        TINYINT(1)   DEFAULT 0,
  username      VARCHAR(255) DEFAULT NULL,
  scanned       INT(11)      DEFAULT 0,
  KEY index_tags_on_repository_id (repository_id),
  KEY index_tags_on_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE team_users (
  id         INT(11)  NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id    INT(11)  DEFAULT NULL,
  team_id    INT(11)  DEFAULT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  role       INT(11)  DEFAULT 0,
  KEY index_team_users_on_team_id (team_id),
  KEY index_team_users_on_user_id (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE teams (
  id          INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(255) DEFAULT NULL,
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  hidden      TINYINT(1)   DEFAULT 0,
  description TEXT,
  UNIQUE KEY index_teams_on_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE users (
  id                     INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username               VARCHAR(255) NOT NULL DEFAULT '',
  email                  VARCHAR(255) DEFAULT '',
  encrypted_password     VARCHAR(255) NOT NULL DEFAULT '',
  reset_password_token   VARCHAR(255) DEFAULT NULL,
  reset_password_sent_at DATETIME     DEFAULT NULL,
  remember_created_at    DATETIME     DEFAULT NULL,
  sign_in_count          INT(11)      NOT NULL DEFAULT 0,
  current_sign_in_at     DATETIME     DEFAULT NULL,
  last_sign_in_at        DATETIME     DEFAULT NULL,
  current_sign_in_ip     VARCHAR(255) DEFAULT NULL,
  last_sign_in_ip        VARCHAR(255) DEFAULT NULL,
  created_at             DATETIME     DEFAULT NULL,
  updated_at             DATETIME     DEFAULT NULL,
  admin                  TINYINT(1)   DEFAULT 0,
  enabled                TINYINT(1)   DEFAULT 1,
  ldap_name              VARCHAR(255) DEFAULT NULL,
  failed_attempts        INT(11)      DEFAULT 0,
  locked_at              DATETIME     DEFAULT NULL,
  namespace_id           INT(11)      DEFAULT NULL,
  display_name           VARCHAR(255) DEFAULT NULL,
  provider               VARCHAR(255) DEFAULT NULL,
  uid                    VARCHAR(255) DEFAULT NULL,
  bot                    TINYINT(1)   DEFAULT 0,
  UNIQUE KEY index_users_on_display_name (display_name),
  UNIQUE KEY index_users_on_email (email),
  KEY index_users_on_namespace_id (namespace_id),
  UNIQUE KEY index_users_on_reset_password_token (reset_password_token),
  UNIQUE KEY index_users_on_username (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE vulnerabilities (
  id          INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(255) NOT NULL,
  scanner     VARCHAR(255) NOT NULL DEFAULT '',
  severity    VARCHAR(255) NOT NULL DEFAULT '',
  link        VARCHAR(255) NOT NULL DEFAULT '',
  fixed_by    VARCHAR(255) NOT NULL DEFAULT '',
  metadata    TEXT,
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  description TEXT,
  UNIQUE KEY index_vulnerabilities_on_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE webhook_deliveries (
  id              INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  webhook_id      INT(11)      DEFAULT NULL,
  uuid            VARCHAR(255) DEFAULT NULL,
  status          INT(11)      DEFAULT NULL,
  request_header  TEXT,
  request_body    TEXT,
  response_header TEXT,
  response_body   TEXT,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  UNIQUE KEY index_webhook_deliveries_on_webhook_id_and_uuid (webhook_id, uuid),
  KEY index_webhook_deliveries_on_webhook_id (webhook_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE webhook_headers (
  id         INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  webhook_id INT(11)      DEFAULT NULL,
  name       VARCHAR(255) DEFAULT NULL,
  value      VARCHAR(255) DEFAULT NULL,
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL,
  UNIQUE KEY index_webhook_headers_on_webhook_id_and_name (webhook_id, name),
  KEY index_webhook_headers_on_webhook_id (webhook_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

CREATE TABLE webhooks (
  id             INT(11)      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  namespace_id   INT(11)      DEFAULT NULL,
  url            VARCHAR(255) DEFAULT NULL,
  username       VARCHAR(255) DEFAULT NULL,
  password       VARCHAR(255) DEFAULT NULL,
  request_method INT(11)      DEFAULT NULL,
  content_type   INT(11)      DEFAULT NULL,
  enabled        TINYINT(1)   DEFAULT 0,
  created_at     DATETIME     NOT NULL,
  updated_at     DATETIME     NOT NULL,
  name           VARCHAR(255) NOT NULL,
  KEY index_webhooks_on_namespace_id (namespace_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8;

-- add_foreign_key, in the order schema.rb lists them (Rails names them fk_rails_<hash>; the names do not matter).
ALTER TABLE comments ADD CONSTRAINT fk_comments_repositories FOREIGN KEY (repository_id) REFERENCES repositories (id);
ALTER TABLE stars ADD CONSTRAINT fk_stars_repositories FOREIGN KEY (repository_id) REFERENCES repositories (id);
ALTER TABLE stars ADD CONSTRAINT fk_stars_users FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE users ADD CONSTRAINT fk_users_namespaces FOREIGN KEY (namespace_id) REFERENCES namespaces (id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT fk_webhook_deliveries_webhooks FOREIGN KEY (webhook_id) REFERENCES webhooks (id);
ALTER TABLE webhook_headers ADD CONSTRAINT fk_webhook_headers_webhooks FOREIGN KEY (webhook_id) REFERENCES webhooks (id);
ALTER TABLE webhooks ADD CONSTRAINT fk_webhooks_namespaces FOREIGN KEY (namespace_id) REFERENCES namespaces (id);
