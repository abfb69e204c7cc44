package dev.holdfast.domain.surge;

/**
 * The peak a surge is expected to bring, per second: what the capacity plan sizes for.
 * Whole numbers from 0 to {@value #MAX}.
 */
public record ExpectedPeak(long ordersPerSecond, long entersPerSecond, long withdrawalsPerSecond) {
    public static final long MAX = 10_000_000;

    public ExpectedPeak {
        check("ordersPerSecond", ordersPerSecond);
        check("entersPerSecond", entersPerSecond);
        check("withdrawalsPerSecond", withdrawalsPerSecond);
    }

    private static void check(String field, long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException(field + " must be from 0 to " + MAX);
        }
    }
}
