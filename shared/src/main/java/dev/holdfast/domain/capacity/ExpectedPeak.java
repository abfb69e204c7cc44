package dev.holdfast.domain.capacity;

/**
 * The peak a surge is expected to bring, per second: what the surge calendar records and what the
 * pre-scaling plan sizes for.
 */
public record ExpectedPeak(double ordersPerSecond, double entersPerSecond, double withdrawalsPerSecond) {
    public ExpectedPeak {
        if (!(ordersPerSecond >= 0) || !(entersPerSecond >= 0) || !(withdrawalsPerSecond >= 0)
                || Double.isInfinite(ordersPerSecond) || Double.isInfinite(entersPerSecond)
                || Double.isInfinite(withdrawalsPerSecond)) {
            throw new IllegalArgumentException("expected peak rates must be finite and non-negative");
        }
    }
}
