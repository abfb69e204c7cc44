package dev.holdfast.domain.pricing;

import java.math.BigDecimal;

/**
 * A market's margin policy.
 *
 * @param overround             the house margin {@code m} in [0, 0.5]: the implied probabilities
 *                              of a neutral price sum to {@code 1 + m} (0.05 means they sum to 1.05)
 * @param maxExposureShortening the most the exposure signal may shorten a selection's odds, {@code b}
 *                              in [0, 0.5], as a fraction: 0.10 means odds at most 10% shorter than
 *                              neutral (before rounding to 4 decimals)
 */
public record MarginPolicy(BigDecimal overround, BigDecimal maxExposureShortening) {
    private static final BigDecimal HALF = new BigDecimal("0.5");

    /** 5% overround, exposure may shorten odds by up to 10%. */
    public static final MarginPolicy DEFAULT = new MarginPolicy(new BigDecimal("0.05"), new BigDecimal("0.10"));

    /** @throws IllegalArgumentException if either value is missing or outside [0, 0.5] */
    public MarginPolicy {
        check(overround, "overround");
        check(maxExposureShortening, "maxExposureShortening");
    }

    private static void check(BigDecimal v, String name) {
        if (v == null) {
            throw new IllegalArgumentException("'" + name + "' is required");
        }
        if (v.signum() < 0 || v.compareTo(HALF) > 0) {
            throw new IllegalArgumentException("'" + name + "' must be between 0 and 0.5, got " + v.toPlainString());
        }
    }
}
