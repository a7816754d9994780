-- Sign-ups that may make the first admin now write signup_lock's row instead of locking it with SELECT … FOR UPDATE
-- (access/Users#signUp): on Galera a locking read takes no lock on the other nodes, but two writes of one row
-- certify against each other, so of two such sign-ups on two nodes one is rolled back (1213) and tried again.
ALTER TABLE signup_lock ADD COLUMN claims BIGINT NOT NULL DEFAULT 0;
