-- One row that sign-ups lock while they decide whether theirs is the first account (portcullis.signup.first-user-admin):
-- of two sign-ups at once, only one may become admin (access/Users#signUp).
CREATE TABLE signup_lock (
    id TINYINT NOT NULL PRIMARY KEY
) ENGINE = InnoDB;
INSERT INTO signup_lock (id) VALUES (1);
