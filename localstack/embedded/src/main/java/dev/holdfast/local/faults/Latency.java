package dev.holdfast.local.faults;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection: a slow service. Before every attempt is sent, the calling thread waits between
 * {@code minMillis} and {@code maxMillis} (uniform, seeded), as when DynamoDB answers slowly under
 * a degraded partition. Switch it off with {@link #off()}.
 */
public final class Latency implements ExecutionInterceptor {
    private final Random random;
    private volatile long minMillis;
    private volatile long maxMillis;
    private final AtomicLong injectedMillis = new AtomicLong();

    public Latency(long seed, long minMillis, long maxMillis) {
        this.random = new Random(seed);
        this.minMillis = minMillis;
        this.maxMillis = Math.max(minMillis, maxMillis);
    }

    public Latency off() {
        minMillis = 0;
        maxMillis = 0;
        return this;
    }

    /** Total delay injected so far, in milliseconds. */
    public long injectedMillis() {
        return injectedMillis.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        long min = minMillis;
        long max = maxMillis;
        if (max <= 0) {
            return;
        }
        long ms;
        synchronized (random) {
            ms = min + (max > min ? random.nextLong(max - min + 1) : 0);
        }
        injectedMillis.addAndGet(ms);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
