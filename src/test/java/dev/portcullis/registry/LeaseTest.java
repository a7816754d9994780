package dev.portcullis.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With several replicas, one at a time holds a job's lease; a dead holder's lease runs out. */
@QuarkusTest
class LeaseTest {

    @Inject
    Lease lease;

    @Inject
    AgroalDataSource dataSource;

    /** Another replica: another holder id, the same database. */
    Lease otherReplica() {
        Lease other = new Lease();
        other.dataSource = dataSource;
        return other;
    }

    @Test
    void oneHolderAtATimeUntilReleased() throws Exception {
        String job = "job-" + UUID.randomUUID();
        Lease other = otherReplica();
        assertTrue(lease.acquire(job, Duration.ofMinutes(5)));
        assertFalse(other.acquire(job, Duration.ofMinutes(5)), "the other replica waits");
        assertTrue(lease.acquire(job, Duration.ofMinutes(5)), "the holder renews");
        other.release(job);
        assertFalse(other.acquire(job, Duration.ofMinutes(5)), "only the holder releases");
        lease.release(job);
        assertTrue(other.acquire(job, Duration.ofMinutes(5)), "released: the other replica takes it");
        assertFalse(lease.acquire(job, Duration.ofMinutes(5)));
    }

    @Test
    void aDeadHoldersLeaseRunsOut() throws Exception {
        String job = "job-" + UUID.randomUUID();
        Lease crashed = otherReplica();
        assertTrue(crashed.acquire(job, Duration.ofMillis(200)));
        assertFalse(lease.acquire(job, Duration.ofMinutes(5)));
        Thread.sleep(400);
        assertTrue(lease.acquire(job, Duration.ofMinutes(5)), "an expired lease is free");
    }
}
