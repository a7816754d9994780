-- One number that every change to who may do what raises, in the changing transaction (access/epoch): users,
-- teams, members, namespaces, application and refresh tokens. Each replica caches credentials and namespace facts
-- for one value of it and reads it (a primary-key read, shared by the requests that arrive together) on every
-- token request, so a revocation on any replica stops the next request on all of them.
CREATE TABLE access_epoch (
    id TINYINT NOT NULL PRIMARY KEY,
    epoch BIGINT NOT NULL
) ENGINE = InnoDB;
INSERT INTO access_epoch (id, epoch) VALUES (1, 0);
