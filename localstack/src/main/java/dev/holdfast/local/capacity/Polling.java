package dev.holdfast.local.capacity;

/**
 * How often a waiting page polls its ticket: the design's rule (the API answers
 * {@code pollAfterSeconds} = a tenth of the caller's ETA, between 1 and 30 s: {@code QueueView}) or,
 * to compare, one fixed interval for everyone.
 *
 * @param fixedSeconds one interval for everyone, or 0 for the design's rule
 * @param etaDivisor   the rule polls every ETA / this many seconds
 * @param minSeconds   never more often
 * @param maxSeconds   never less often
 */
public record Polling(double fixedSeconds, long etaDivisor, long minSeconds, long maxSeconds) {

    public Polling {
        if (fixedSeconds < 0 || etaDivisor < 1 || minSeconds < 1 || maxSeconds < minSeconds) {
            throw new IllegalArgumentException("impossible polling: " + this);
        }
    }

    /** The design as built: a tenth of the ETA, 1 to 30 seconds. */
    public static Polling design() {
        return new Polling(0, 10, 1, 30);
    }

    public static Polling every(double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("poll interval must be positive");
        }
        return new Polling(seconds, 10, 1, 30);
    }

    public boolean fixed() {
        return fixedSeconds > 0;
    }

    /** Seconds between polls of someone with {@code ahead} people ahead, admitted at {@code admittedPerSecond}. */
    public double intervalSeconds(long ahead, double admittedPerSecond) {
        if (fixed()) {
            return fixedSeconds;
        }
        long eta = etaSeconds(ahead, admittedPerSecond);
        return Math.max(minSeconds, Math.min(maxSeconds, eta / etaDivisor));
    }

    /**
     * Polls per second from {@code waiting} people holding the places 1..waiting ahead-counts 0..waiting-1,
     * admitted at {@code admittedPerSecond}: grouped by interval, so it costs the same for any queue length.
     */
    public double pollsPerSecond(long waiting, double admittedPerSecond) {
        if (waiting <= 0) {
            return 0;
        }
        if (fixed()) {
            return waiting / fixedSeconds;
        }
        double sum = 0;
        long from = 0; // first ahead-count not yet summed
        for (long p = minSeconds; p <= maxSeconds && from < waiting; p++) {
            // interval p holds while eta / divisor == p (or below min, or up to max): eta < (p + 1) * divisor
            long upTo = p == maxSeconds ? waiting : Math.min(waiting, firstAheadWithEtaAtLeast((p + 1) * etaDivisor, admittedPerSecond));
            if (upTo > from) {
                sum += (upTo - from) / (double) p;
                from = upTo;
            }
        }
        return sum;
    }

    /** ETA in whole seconds, rounded up, as the API computes it. */
    static long etaSeconds(long ahead, double admittedPerSecond) {
        return ahead <= 0 ? 0 : (long) Math.ceil(ahead / admittedPerSecond - 1e-9);
    }

    /** The smallest ahead-count whose ETA is at least {@code eta} seconds. */
    static long firstAheadWithEtaAtLeast(long eta, double admittedPerSecond) {
        if (eta <= 0) {
            return 0;
        }
        // ceil(a / r) >= eta  <=>  a > r * (eta - 1)
        return (long) Math.floor(admittedPerSecond * (eta - 1) + 1e-9) + 1;
    }
}
