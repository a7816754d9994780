-- What the Portus importer made of each Portus row: a second run finds every row here and changes nothing, and a
-- run that stopped half-way (each run is one transaction, so only a whole run commits) starts over cleanly.
-- our_id is null for rows that map onto nothing of ours (a skipped user, a hidden team). source tells one Portus
-- from another (the host name of the registry it fronted): their ids start at 1 alike.
CREATE TABLE portus_imported (
    source      VARCHAR(255) NOT NULL,
    kind        VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    portus_id   BIGINT       NOT NULL,
    our_id      BIGINT       NULL,
    outcome     VARCHAR(16)  CHARACTER SET ascii NOT NULL,
    imported_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (source, kind, portus_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A Portus application token, verifiable but not reversible: BCrypt::Engine.hash_secret(plain, token_salt), a
-- whole bcrypt string. Such a token has no keyed hash of ours; token_hash holds random bytes that no secret
-- hashes to, so the UNIQUE index stays as it is.
ALTER TABLE application_tokens
    ADD COLUMN legacy_hash VARCHAR(100) CHARACTER SET ascii NULL,
    ADD INDEX ix_application_tokens_legacy (user_id, legacy_hash);
