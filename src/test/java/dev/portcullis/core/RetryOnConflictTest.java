package dev.portcullis.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every transaction the application begins is run again when it loses to a concurrent one (1213), a few times. */
@QuarkusTest
class RetryOnConflictTest {

    /** Transactions that lose a given number of times, as a Galera certification failure or a deadlock would. */
    @ApplicationScoped
    static class Work {

        static final AtomicInteger RUNS = new AtomicInteger();

        @Inject
        Work self;

        @Transactional
        String losing(int losses, int errorCode) {
            if (RUNS.incrementAndGet() <= losses) {
                String state = errorCode == Conflicts.DEADLOCK ? "40001" : "08S01";
                throw new PersistenceException("lost", new SQLException("failed", state, errorCode));
            }
            return "committed";
        }

        /** Loses at commit, as Galera's certification makes it: the driver's error is suppressed, not the cause. */
        @Transactional
        String losingAtCommit(int losses) {
            if (RUNS.incrementAndGet() <= losses) {
                var rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
                rollback.addSuppressed(new XAException("Error trying to transactionCommit")
                        .initCause(new SQLTransactionRollbackException("Deadlock found", "40001",
                                Conflicts.DEADLOCK)));
                throw new IllegalStateException("Error invoking subclass method", rollback);
            }
            return "committed";
        }

        /** The inner call joins this transaction: only this one, the outermost, may run again. */
        @Transactional
        String outer(int losses) {
            return self.losing(losses, Conflicts.DEADLOCK);
        }
    }

    @Inject
    Work work;

    @BeforeEach
    void reset() {
        Work.RUNS.set(0);
    }

    @Test
    void aTransactionThatLostTwiceCommitsOnTheThirdRun() {
        assertEquals("committed", work.losing(2, Conflicts.DEADLOCK));
        assertEquals(3, Work.RUNS.get());
    }

    @Test
    void aTransactionThatLostAtCommitRunsAgain() {
        assertEquals("committed", work.losingAtCommit(1));
        assertEquals(2, Work.RUNS.get());
    }

    @Test
    void retriesAreBounded() {
        assertThrows(PersistenceException.class, () -> work.losing(100, Conflicts.DEADLOCK));
        assertEquals(1 + RetryOnConflict.RETRIES, Work.RUNS.get());
    }

    @Test
    void otherErrorsAreNotRetried() {
        // 1047: a Galera node outside the primary component. An outage, answered 503, not run again here.
        assertThrows(PersistenceException.class, () -> work.losing(1, 1047));
        assertEquals(1, Work.RUNS.get());
    }

    @Test
    void aJoinedTransactionIsRetriedByItsOutermostMethodOnly() {
        assertEquals("committed", work.outer(2));
        assertEquals(3, Work.RUNS.get(), "three runs of the whole, not retries inside a rolled-back transaction");
    }
}
