package dev.holdfast.local.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.Collection;
import java.util.Locale;

/**
 * Latencies recorded in an HdrHistogram (microsecond resolution, 3 significant digits, safe to record
 * from many threads) and the ONE definition of a percentile every bench and drill reports:
 * HdrHistogram's {@code getValueAtPercentile} — the smallest recorded value (to the histogram's
 * precision) that at least that share of the samples does not exceed.
 */
public final class Latencies {
    private final Histogram micros = new ConcurrentHistogram(3);

    /** Records one latency in nanoseconds (negative counts as 0). */
    public void recordNanos(long nanos) {
        micros.recordValue(Math.max(0, nanos) / 1_000);
    }

    /** Records one latency in milliseconds (negative counts as 0). */
    public void recordMillis(double millis) {
        micros.recordValue(Math.max(0, Math.round(millis * 1_000)));
    }

    public static Latencies ofNanos(Collection<Long> nanos) {
        Latencies l = new Latencies();
        nanos.forEach(l::recordNanos);
        return l;
    }

    public static Latencies ofMillis(Collection<? extends Number> millis) {
        Latencies l = new Latencies();
        millis.forEach(m -> l.recordMillis(m.doubleValue()));
        return l;
    }

    public long count() {
        return micros.getTotalCount();
    }

    /** The latency at {@code percentile} (0–100), in milliseconds; 0 with no samples. */
    public double millisAt(double percentile) {
        return count() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1_000.0;
    }

    public double p50() {
        return millisAt(50);
    }

    public double p95() {
        return millisAt(95);
    }

    public double p99() {
        return millisAt(99);
    }

    /** The largest latency recorded (to the histogram's precision), in milliseconds. */
    public double max() {
        return count() == 0 ? 0 : micros.getMaxValue() / 1_000.0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50(), p95(), p99(), max(), count());
    }
}
