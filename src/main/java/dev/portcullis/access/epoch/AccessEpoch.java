package dev.portcullis.access.epoch;

import dev.portcullis.access.AccessChanged;
import dev.portcullis.core.CoalescedRead;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * The database's count of access changes (V19), the key of every replica's caches of credentials and namespace
 * facts ({@link EpochCache}). Every {@link AccessChanged} raises it in the changing transaction, so a replica that
 * reads it after the commit drops what it cached; a read that races the commit sees the value before it, with the
 * rows before it. Reads are shared by the requests that arrive together ({@link CoalescedRead}): under load, one
 * primary-key read serves many token requests, each still seeing every change committed before it arrived.
 */
@ApplicationScoped
public class AccessEpoch {

    /** No row (a database restored without it): nothing is cached. */
    static final long UNKNOWN = -1;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    private final CoalescedRead<Long> reads = new CoalescedRead<>(this::read);
    private final AtomicLong readsMade = new AtomicLong();

    @Inject
    MeterRegistry meters;

    @PostConstruct
    void count() {
        FunctionCounter.builder("portcullis.access.epoch.reads", readsMade, AtomicLong::get)
                .description("Reads of the access epoch; requests that arrive together share one").register(meters);
    }

    /** The current value, or {@link #UNKNOWN}; read after this call began. */
    public long current() {
        return reads.get();
    }

    /**
     * Whether caches may answer here: not inside a transaction, which may have changed access rows that its own
     * uncommitted raise does not show to the cache yet.
     */
    public boolean cacheable() {
        return transactions.getTransactionStatus() == Status.STATUS_NO_TRANSACTION;
    }

    void changed(@Observes AccessChanged change) {
        raise();
    }

    /** Raises the value in the caller's transaction (or on its own outside one). */
    public void raise() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 1")) {
            s.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("cannot record the access change", e);
        }
    }

    private Long read() {
        readsMade.incrementAndGet();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT epoch FROM access_epoch WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : UNKNOWN;
        } catch (SQLException e) {
            throw new PersistenceException("cannot read the access epoch", e);
        }
    }
}
