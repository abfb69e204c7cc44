package dev.holdfast.local.faithful;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per partition key, one for write units and one for read units, refilled at the
 * partition limits divided by the dilation: a partition serves at most 3,000 read units and 1,000
 * write units per second.
 *
 * <p>Modelling choices: a bucket starts full and holds at most one second's worth (no burst
 * capacity saved up over minutes, no adaptive capacity, no split for heat). Debt model: a request
 * is throttled when a bucket it touches is already below zero; otherwise it is applied and charged,
 * which may take the bucket below zero (the request's size is known only after it ran).
 *
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html">Designing partition keys to distribute your workload</a>
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html">Burst and adaptive capacity</a>
 */
final class PartitionBuckets {
    private final double writePerSecond;
    private final double readPerSecond;
    private final ConcurrentHashMap<String, Bucket> writes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> reads = new ConcurrentHashMap<>();

    PartitionBuckets(double writePerSecond, double readPerSecond) {
        this.writePerSecond = writePerSecond;
        this.readPerSecond = readPerSecond;
    }

    /** Whether the write bucket of {@code key} is below zero now. */
    boolean writeExhausted(String key) {
        Bucket b = writes.get(key);
        return b != null && b.exhausted();
    }

    boolean readExhausted(String key) {
        Bucket b = reads.get(key);
        return b != null && b.exhausted();
    }

    void chargeWrite(String key, double units) {
        writes.computeIfAbsent(key, k -> new Bucket(writePerSecond)).charge(units);
    }

    void chargeRead(String key, double units) {
        reads.computeIfAbsent(key, k -> new Bucket(readPerSecond)).charge(units);
    }

    private static final class Bucket {
        private final double perSecond;
        private double tokens;
        private long last;

        Bucket(double perSecond) {
            this.perSecond = perSecond;
            this.tokens = perSecond;
            this.last = System.nanoTime();
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
            last = now;
        }

        synchronized boolean exhausted() {
            refill();
            return tokens < 0;
        }

        synchronized void charge(double units) {
            refill();
            tokens -= units;
        }
    }
}
