-- A delete the sink saw before the push it undoes (events arrive out of order: two registries, retries): kept,
-- so that the late push does not bring the tag back. Reconciliation forgets those older than a day.
CREATE TABLE tombstones (
    repository VARCHAR(255) NOT NULL,
    reference  VARCHAR(135) CHARACTER SET ascii NOT NULL,
    deleted_at TIMESTAMP(6) NOT NULL,
    PRIMARY KEY (repository, reference),
    INDEX ix_tombstones_deleted (deleted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A namespace name set free (its namespace deleted): whoever takes the name next sees nothing of the feed from
-- before. Only names once freed have a row; every other namespace's feed is untouched.
CREATE TABLE released_names (
    name        VARCHAR(255) NOT NULL PRIMARY KEY,
    released_at TIMESTAMP(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
