package dev.portcullis.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads held open by the test, so that who shares which read is decided by the test, not by timing. */
class CoalescedReadTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger started = new AtomicInteger();
    private final Semaphore finish = new Semaphore(0);
    /** Each read returns its own number: the caller sees which read it got. */
    private final CoalescedRead<Integer> read = new CoalescedRead<>(() -> {
        int number = started.incrementAndGet();
        finish.acquireUninterruptibly();
        return number;
    });

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void callersArrivingDuringAReadShareTheNextOneAndNeverGetTheOneThatStartedBeforeThem() throws Exception {
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(read::get, threads);
        awaitStarted(1);
        List<CompletableFuture<Integer>> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            during.add(CompletableFuture.supplyAsync(read::get, threads));
        }
        awaitWaiting(20);
        assertEquals(1, started.get(), "no second read while the first runs");

        finish.release(); // read 1 ends; the first of the twenty makes read 2 for all of them
        assertEquals(1, first.get(30, TimeUnit.SECONDS));
        awaitStarted(2);
        finish.release();
        for (CompletableFuture<Integer> caller : during) {
            assertEquals(2, caller.get(30, TimeUnit.SECONDS), "a read that started after the caller arrived");
        }
        assertEquals(2, started.get(), "21 callers, 2 reads");
    }

    @Test
    void aCallerAloneReadsAtOnce() {
        finish.release(3);
        assertEquals(1, read.get());
        assertEquals(2, read.get());
        assertEquals(3, read.get());
    }

    @Test
    void aFailedReadFailsEveryCallerThatSharedItAndTheNextCallerReadsAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException down = new IllegalStateException("database down");
        Semaphore release = new Semaphore(0);
        CoalescedRead<String> failing = new CoalescedRead<>(() -> {
            if (calls.incrementAndGet() <= 2) {
                release.acquireUninterruptibly();
                throw down;
            }
            return "up";
        });
        CompletableFuture<String> first = CompletableFuture.supplyAsync(failing::get, threads);
        while (calls.get() < 1) {
            Thread.onSpinWait();
        }
        List<CompletableFuture<String>> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(CompletableFuture.supplyAsync(failing::get, threads));
        }
        awaitWaiting(5);
        release.release(2);
        for (CompletableFuture<String> caller : during) {
            Exception e = assertThrows(Exception.class, () -> caller.get(30, TimeUnit.SECONDS));
            assertSame(down, e.getCause());
        }
        assertThrows(Exception.class, () -> first.get(30, TimeUnit.SECONDS));
        assertEquals(2, calls.get(), "six callers, two reads");
        assertEquals("up", failing.get());
    }

    private void awaitStarted(int reads) throws InterruptedException {
        for (int i = 0; started.get() < reads; i++) {
            if (i > 30_000) {
                throw new AssertionError("read " + reads + " never started");
            }
            Thread.sleep(1);
        }
    }

    /** Waits until {@code count} callers wait for someone else's read, whatever the machine's load. */
    private void awaitWaiting(int count) throws InterruptedException {
        for (int i = 0; ; i++) {
            long parked = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("pool-") && t.getState() == Thread.State.WAITING)
                    .map(Thread::getStackTrace)
                    .filter(stack -> Arrays.stream(stack)
                            .anyMatch(f -> f.getClassName().equals(CoalescedRead.class.getName())))
                    .filter(stack -> Arrays.stream(stack) // waiting for another's read, not reading
                            .anyMatch(f -> f.getClassName().equals(CompletableFuture.class.getName())))
                    .count();
            if (parked >= count) {
                return;
            }
            if (i > 30_000) {
                throw new AssertionError(parked + " of " + count + " callers waiting");
            }
            Thread.sleep(1);
        }
    }
}
