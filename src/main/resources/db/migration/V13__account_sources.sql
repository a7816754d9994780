-- Accounts from the company's directory (LDAP) or identity provider (OpenID Connect) besides local ones: where an
-- account comes from, its identity there (an LDAP DN, an OIDC subject), and whether the directory disabled it
-- (so that the directory re-enables only what it disabled, never an account an admin disabled here).
ALTER TABLE users
    ADD COLUMN source                VARCHAR(8)    NOT NULL DEFAULT 'LOCAL',
    ADD COLUMN external_id           VARCHAR(1024) NULL,
    ADD COLUMN disabled_by_directory BOOLEAN       NOT NULL DEFAULT FALSE;

-- Memberships the directory's groups made: a sync removes these when the group no longer holds the person, and
-- never touches memberships an owner made by hand.
ALTER TABLE team_members
    ADD COLUMN from_directory BOOLEAN NOT NULL DEFAULT FALSE;
