-- The brute-force throttle's counters (access/auth/LoginThrottle), shared by every replica: a failure seen by one
-- counts on all. Written only on a failed sign-in (and deleted on the next correct one of that account); a correct
-- sign-in reads its two rows by primary key and writes nothing. The key is an HMAC of what the caller sent (the
-- account name lower-cased, or the client address), never the name itself: a name may be a mistyped password.
CREATE TABLE login_failures (
    kind             TINYINT    NOT NULL, -- 0 = account name, 1 = client address
    subject          BINARY(32) NOT NULL,
    failures         INT        NOT NULL,
    last_failure_ms  BIGINT     NOT NULL,
    blocked_until_ms BIGINT     NOT NULL,
    PRIMARY KEY (kind, subject),
    KEY login_failures_quiet (last_failure_ms)
) ENGINE = InnoDB;
