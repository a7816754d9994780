package dev.portcullis.access.epoch;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.core.CoalescedRead;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database's counts of access changes and of sign-in failures (V19), the keys of every replica's caches
 * ({@link EpochCache}). Every {@link AccessChanged} raises the first in the changing transaction, so a replica that
 * reads it after the commit drops what it cached; a read that races the commit sees the value before it, with the
 * rows before it. Reads are shared by the requests that arrive together ({@link CoalescedRead}): under load, one
 * primary-key read serves many token requests, each still seeing every change committed before it arrived; and an
 * HTTP request reads once, whatever the number of caches it asks.
 */
@ApplicationScoped
public class AccessEpoch {

    /** No row (a database restored without it), or inside a transaction: nothing is cached. */
    public static final long UNKNOWN = -1;

    static final int ACCESS = 1;
    static final int FAILURES = 2;

    private static final String REQUEST_LOCAL = AccessEpoch.class.getName();

    /**
     * Read after the node has applied every write the cluster certified before the read ({@code wsrep_sync_wait},
     * this statement only): on Galera a token revoked through a replica on another node may be certified there and
     * not yet applied here, and a stale count would keep serving it from the cache. On a MariaDB without Galera
     * the variable does nothing; on Galera it costs one causality check per read, shared by the requests that
     * arrive together (measured in bench/galera.sh).
     */
    static final String READ = "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT id, epoch FROM access_epoch WHERE id IN (1, 2)";

    /** Both counts as one read saw them. */
    record Epochs(long access, long failures) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    MeterRegistry meters;

    private final CoalescedRead<Epochs> reads = new CoalescedRead<>(this::read);
    private final AtomicLong readsMade = new AtomicLong();

    @PostConstruct
    void count() {
        FunctionCounter.builder("portcullis.access.epoch.reads", readsMade, AtomicLong::get)
                .description("Reads of the access epochs; requests that arrive together share one").register(meters);
    }

    /**
     * The access changes' count for the caches, read after this request began; {@link #UNKNOWN} inside a
     * transaction, which may have changed access rows that its own uncommitted raise does not show yet.
     */
    public long access() {
        return transactions.getTransactionStatus() == Status.STATUS_NO_TRANSACTION ? now().access() : UNKNOWN;
    }

    /** The sign-in failures' count, read after this request began. */
    public long failures() {
        return now().failures();
    }

    void changed(@Observes AccessChanged change) {
        raise(ACCESS);
    }

    /** Raises the access changes' count in the caller's transaction (or on its own outside one). */
    public void raiseAccess() {
        raise(ACCESS);
    }

    private void raise(int id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE access_epoch SET epoch = epoch + 1 WHERE id = ?")) {
            s.setInt(1, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("cannot record the access change", e);
        }
    }

    /** Once per HTTP request (kept in its Vert.x context), else once per call. */
    private Epochs now() {
        if (!VertxContext.isOnDuplicatedContext()) {
            return reads.get();
        }
        Epochs seen = ContextLocals.<Epochs>get(REQUEST_LOCAL).orElse(null);
        if (seen == null) {
            seen = reads.get();
            ContextLocals.put(REQUEST_LOCAL, seen);
        }
        return seen;
    }

    private Epochs read() {
        readsMade.incrementAndGet();
        long access = UNKNOWN;
        long failures = UNKNOWN;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(READ);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (rs.getInt(1) == ACCESS) {
                    access = rs.getLong(2);
                } else {
                    failures = rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the access epoch", e);
        }
        return new Epochs(access, failures);
    }
}
