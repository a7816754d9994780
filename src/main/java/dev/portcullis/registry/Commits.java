package dev.portcullis.registry;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How a caller of the {@link CatalogWriter} waits for its write's commit, and what a failure means. */
public final class Commits {

    /** How long a caller waits for the writer; a write may still commit after it. */
    static final long WAIT_SECONDS = 10;

    private Commits() {
    }

    /** The writer did not answer within {@link #WAIT_SECONDS}; the write may still commit later. */
    public static class Late extends SQLException {
        Late() {
            super("the catalog writer did not commit in time", "08000");
        }
    }

    /** Waits for a submitted write's commit. */
    public static <R> R await(CompletableFuture<R> result) throws SQLException {
        try {
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("the write failed", e.getCause());
        } catch (TimeoutException e) {
            throw new Late();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the catalog writer", "08000");
        }
    }

    /**
     * A submitted write's commit, handed over on {@code executor} (never on the writer's thread), failed with
     * {@link Late} when the writer did not answer within {@link #WAIT_SECONDS}, or with the write's own
     * {@link SQLException} or {@link RuntimeException}, unwrapped.
     */
    public static <R> CompletableFuture<R> whenCommitted(CompletableFuture<R> write, Executor executor) {
        CompletableFuture<R> handed = new CompletableFuture<>();
        // A copy: the timeout must not complete the write itself, whose completion others count on.
        write.copy().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).whenCompleteAsync((result, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause == null) {
                handed.complete(result);
            } else {
                handed.completeExceptionally(cause instanceof TimeoutException ? new Late() : cause);
            }
        }, executor);
        return handed;
    }

    /**
     * A write the database refused (a bug in it, bad data), not a database that is down or unreachable: then the
     * other writes deserve to commit without it. An outage fails the whole batch at once.
     */
    public static boolean someoneAtFault(Throwable e) {
        if (e instanceof RuntimeException) {
            return true;
        }
        if (!(e instanceof SQLException sql) || e instanceof SQLNonTransientConnectionException) {
            return false;
        }
        // By SQLSTATE class, as drivers type their exceptions unevenly: data (22), constraints (23), syntax (42).
        String state = sql.getSQLState();
        return e instanceof SQLNonTransientException
                || state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
    }

}
