-- Two counters that each replica's caches are keyed by (access/epoch):
--   id 1, access changes: raised in the changing transaction by every change to who may do what (users, teams,
--         members, namespaces, application and refresh tokens); credentials and namespace facts are cached for
--         one value of it;
--   id 2, sign-in failures: raised after every failure written to login_failures and every reset of a count;
--         the throttle's reads of login_failures are cached for one value of it.
-- A token request reads both rows by primary key (one read shared by the requests that arrive together), so a
-- revocation or a failure on any replica is seen by the next request on all of them.
CREATE TABLE access_epoch (
    id TINYINT NOT NULL PRIMARY KEY,
    epoch BIGINT NOT NULL
) ENGINE = InnoDB;
INSERT INTO access_epoch (id, epoch) VALUES (1, 0), (2, 0);
