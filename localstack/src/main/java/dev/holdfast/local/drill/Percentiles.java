package dev.holdfast.local.drill;

import dev.holdfast.local.bench.Latencies;

import java.util.Collection;

/** Percentiles of a sample of durations in milliseconds, as every bench computes them ({@link Latencies}). */
record Percentiles(long count, double p50, double p95, double p99, double max) {

    static Percentiles of(Collection<Double> millis) {
        Latencies l = Latencies.ofMillis(millis);
        return new Percentiles(l.count(), l.p50(), l.p95(), l.p99(), l.max());
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)",
                p50, p95, p99, max, count);
    }
}
