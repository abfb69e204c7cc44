package dev.holdfast.functions.runtime;

import dev.holdfast.resources.Variables;
import java.time.Duration;
import java.util.Map;

/**
 * The local environment's AWS-faithful mode runs the world {@code F} times slower than AWS (its
 * DynamoDB partitions serve {@code 1/F} of AWS's units per second and hold a transaction's items
 * {@code F} times longer), so that a 2-core machine reaches AWS's limits. A function's own time
 * windows (how long a cached trading mode is used, how old a market read may be when an order is
 * sent) are stretched by the same factor there, so every bound measured in that mode, divided by
 * {@code F}, is the bound on AWS. Never set on AWS: the factor is then 1.
 */
public final class TimeDilation {
    /** The factor, set by the local environment in AWS-faithful mode only. */
    public static final String VARIABLE = Variables.TIME_DILATION;

    private final double factor;

    private TimeDilation(double factor) {
        this.factor = factor;
    }

    public static TimeDilation from(Map<String, String> environment) {
        String v = environment.get(VARIABLE);
        if (v == null || v.isBlank()) {
            return new TimeDilation(1);
        }
        double f = Double.parseDouble(v);
        if (!(f >= 1 && f <= 1000)) {
            throw new IllegalArgumentException(VARIABLE + " must be 1..1000, got " + v);
        }
        return new TimeDilation(f);
    }

    public double factor() {
        return factor;
    }

    /** {@code d} as it runs in this world: {@code d × F}. */
    public Duration stretch(Duration d) {
        return factor == 1 ? d : Duration.ofNanos((long) (d.toNanos() * factor));
    }
}
