-- One replica at a time syncs directory accounts: it holds this row's lease, taken by one conditional UPDATE
-- (a single statement, so a Galera cluster certifies it like any write; two takers cannot both see 1 row changed).
CREATE TABLE directory_sync (
    id          INT          NOT NULL PRIMARY KEY,
    holder      VARCHAR(64)  NULL,
    expires_at  DATETIME(6)  NULL,
    last_run_at DATETIME(6)  NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO directory_sync (id) VALUES (1);
