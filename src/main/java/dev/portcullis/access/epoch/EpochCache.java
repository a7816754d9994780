package dev.portcullis.access.epoch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Values read from access rows, kept for one value of the {@link AccessEpoch}: a request first reads the epoch,
 * then answers from what was cached for exactly that value, or reads the rows and caches them for it. A changed
 * epoch starts an empty generation.
 * Misses ({@code null}) are never cached: a name or token that does not exist yet costs its read each time, as
 * before, and counts toward the brute-force throttle.
 */
public final class EpochCache<K, V> {

    private final LongSupplier epoch;
    private final int maximumSize;
    private volatile Generation<K, V> current;

    private record Generation<K, V>(long epoch, Cache<K, V> values) {
    }

    private final LongAdder loads = new LongAdder();

    /**
     * A cache of {@code maximumSize} entries for the value {@code epoch} gives now ({@link AccessEpoch#UNKNOWN}: do
     * not cache), its loads counted as {@code portcullis.access.cache.loads{cache=name}} (when {@code meters}).
     */
    public EpochCache(LongSupplier epoch, String name, int maximumSize, MeterRegistry meters) {
        this.epoch = epoch;
        this.maximumSize = maximumSize;
        this.current = new Generation<>(AccessEpoch.UNKNOWN, Caffeine.newBuilder().maximumSize(0).build());
        if (meters != null) {
            FunctionCounter.builder("portcullis.access.cache.loads", loads, LongAdder::sum)
                    .description("Reads of access rows that the access cache did not answer")
                    .tag("cache", name).register(meters);
        }
    }

    /** The value for {@code key} as of this request: cached for the current epoch, or {@code load}ed. */
    public V get(K key, Function<K, V> load) {
        Cache<K, V> values = valuesNow();
        if (values == null) {
            loads.increment();
            return load.apply(key);
        }
        V value = values.getIfPresent(key);
        if (value == null) {
            loads.increment();
            value = load.apply(key);
            if (value != null) {
                values.put(key, value);
            }
        }
        return value;
    }

    /** Counts a read that the caller made itself, with {@link #valuesNow()}. */
    public void countLoad() {
        loads.increment();
    }

    /**
     * The generation of the epoch read now, or {@code null} when nothing may be cached (inside a transaction, or no
     * epoch row).
     */
    public Cache<K, V> valuesNow() {
        long now = epoch.getAsLong();
        if (now == AccessEpoch.UNKNOWN) {
            return null;
        }
        Generation<K, V> g = current;
        if (g.epoch() == now) {
            return g.values();
        }
        synchronized (this) {
            g = current;
            // Any other value starts afresh, a lower one too (a database restored from a backup): a generation is
            // only ever used for the one value it was filled under.
            if (g.epoch() != now) {
                current = g = new Generation<>(now, Caffeine.newBuilder().maximumSize(maximumSize).build());
            }
        }
        return g.values();
    }
}
