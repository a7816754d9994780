package dev.portcullis.access.directory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One replica at a time syncs the directory: the lease row is taken by one conditional UPDATE, and runs out. */
@QuarkusTest
class SyncLeaseTest {

    @Inject
    AgroalDataSource dataSource;

    /** A replica: its own holder id, the same database. */
    SyncLease replica() {
        SyncLease lease = new SyncLease();
        lease.dataSource = dataSource;
        return lease;
    }

    @Test
    void oneReplicaHoldsItUntilItRunsOut() {
        SyncLease a = replica();
        SyncLease b = replica();
        assertTrue(a.acquire(Duration.ofMinutes(5)), "free: the first replica takes it");
        assertFalse(b.acquire(Duration.ofMinutes(5)), "the other replica waits");
        assertTrue(a.acquire(Duration.ofMinutes(5)), "the holder renews");
        assertTrue(a.acquire(Duration.ZERO), "renewed to run out at once, as a holder that stopped renewing");
        assertTrue(b.acquire(Duration.ofMinutes(5)), "run out: the other replica takes it");
        assertFalse(a.acquire(Duration.ofMinutes(5)), "and keeps it");
    }
}
