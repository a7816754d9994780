-- TIMESTAMP ends on 2038-01-19, but a user picks a token's expiry: DATETIME holds any (in UTC, as
-- quarkus.hibernate-orm.jdbc.timezone=UTC writes it).
ALTER TABLE application_tokens MODIFY expires_at DATETIME(6) NULL;
