package dev.portcullis.testsupport;

import dev.portcullis.registry.CatalogWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The catalog writer held on one write, as a stalled database would hold it, until {@link #release()}: what queues
 * meanwhile is written as one batch afterwards. Nothing here depends on how fast the machine is.
 */
public final class HeldWriter implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Object> held;

    private HeldWriter(CatalogWriter writer) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        held = writer.submit(catalog -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }, 0);
        if (!holding.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the catalog writer never took the holding write");
        }
    }

    /** Returns once the writer is on the holding write. */
    public static HeldWriter hold(CatalogWriter writer) throws InterruptedException {
        return new HeldWriter(writer);
    }

    /** Lets the writer go on, and waits until it has finished the holding write. */
    public void release() throws Exception {
        release.countDown();
        held.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        release.countDown();
    }
}
