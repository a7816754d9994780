package dev.portcullis.core;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which database errors mean "a concurrent transaction won, run yours again": InnoDB's deadlock and, on a Galera
 * cluster, a lost certification (a write of the same row committed first on another node), which MariaDB reports
 * with the same code 1213 and SQL state 40001. Such a transaction was rolled back as a whole, so running it again
 * is safe; every other error is not a conflict (a node outside the primary component answers 1047, which is an
 * outage, answered 503).
 */
public final class Conflicts {

    /** ER_LOCK_DEADLOCK, also Galera's certification failure. */
    public static final int DEADLOCK = 1213;

    private Conflicts() {
    }

    /**
     * Whether {@code e}, one of its causes or one of their suppressed exceptions is a deadlock or a lost
     * certification. Suppressed ones count: a conflict found at commit (where Galera certifies) reaches the caller as
     * the transaction manager's {@code RollbackException} with the driver's error suppressed, not as its cause.
     */
    public static boolean isConflict(Throwable e) {
        return isConflict(e, 0);
    }

    private static boolean isConflict(Throwable e, int depth) {
        for (Throwable t = e; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == DEADLOCK || "40001".equals(sql.getSQLState()))) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (isConflict(suppressed, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Waits a little before attempt {@code attempt + 1}: a few milliseconds, random, growing, so two writers that
     * keep colliding on one row stop meeting at the same instant.
     */
    public static void pause(int attempt) {
        long bound = Math.min(50, 5L << Math.min(attempt, 4));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to run a transaction again", e);
        }
    }
}
