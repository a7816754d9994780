-- Signing out of the web UI ends the account's sessions on the server too: a session cookie names the epoch it
-- was opened in (access/SessionTicket), and sign-out moves the account to the next one.
ALTER TABLE users ADD COLUMN session_epoch INT NOT NULL DEFAULT 0;
