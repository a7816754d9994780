package dev.portcullis.core;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/**
 * Runs a {@code @Transactional} method again, a bounded number of times, when its transaction was rolled back as a
 * deadlock or, on Galera, as a lost certification ({@link Conflicts}). It wraps the transaction interceptor (a lower
 * priority runs first), so each attempt is a fresh transaction, and it retries only where the transaction begins:
 * a method joining a caller's transaction lets the error reach the caller, which retries the whole.
 *
 * <p>Safe because such a transaction left nothing behind, and the project's transactional methods keep their side
 * effects inside it (CDI events reach observers after commit only).
 */
@Transactional
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class RetryOnConflict {

    /** One first run and this many runs again; then the error is answered (503, the client may retry). */
    static final int RETRIES = 4;

    private static final Logger LOG = Logger.getLogger(RetryOnConflict.class);

    @Inject
    TransactionManager transactions;

    @AroundInvoke
    Object retry(InvocationContext context) throws Exception {
        if (transactionActive()) {
            return context.proceed();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return context.proceed();
            } catch (Exception e) {
                if (attempt > RETRIES || !Conflicts.isConflict(e) || transactionActive()) {
                    throw e;
                }
                LOG.debugf("%s lost to a concurrent transaction (attempt %d), running it again",
                        context.getMethod().getName(), attempt);
                Conflicts.pause(attempt);
            }
        }
    }

    private boolean transactionActive() throws SystemException {
        return transactions.getStatus() != Status.STATUS_NO_TRANSACTION;
    }
}
