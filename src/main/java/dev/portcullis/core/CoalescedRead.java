package dev.portcullis.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One read shared by the callers that arrive while another read of the same value is running, with the guarantee
 * of a read of their own: every caller gets the result of a read that <em>started after it arrived</em>, so it sees
 * every write committed before it called. Callers arriving during a read wait for it to end and share the next one,
 * which the first of them makes; at most two reads run at once, however many callers there are.
 */
public final class CoalescedRead<T> {

    private final Supplier<T> read;
    private Batch<T> running;
    private Batch<T> waiting;

    public CoalescedRead(Supplier<T> read) {
        this.read = read;
    }

    private static final class Batch<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
    }

    /** The value, read after this call began; a failed read fails every caller that shared it. */
    public T get() {
        Batch<T> mine;
        Batch<T> before = null;
        boolean leads;
        synchronized (this) {
            if (running == null) {
                running = mine = new Batch<>();
                leads = true;
            } else if (waiting == null) {
                waiting = mine = new Batch<>();
                before = running;
                leads = true;
            } else {
                mine = waiting;
                leads = false;
            }
        }
        if (leads) {
            if (before != null) {
                before.result.handle((value, failure) -> null).join();
                synchronized (this) {
                    // From here on no one joins this batch: its read starts after all of its callers arrived.
                    if (waiting == mine) {
                        waiting = null;
                    }
                    running = mine;
                }
            }
            try {
                mine.result.complete(read.get());
            } catch (RuntimeException | Error e) {
                mine.result.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    if (running == mine) {
                        running = null;
                    }
                }
            }
        }
        try {
            return mine.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
