package dev.holdfast.domain.waitingroom;

/**
 * The admitter's brake: a factor (thousandths of the configured rate) that halves while identity
 * verification reports errors or falls behind, and climbs back by a tenth per second once it recovers
 * (additive increase, multiplicative decrease). Pure: fed with what changed since the previous tick.
 *
 * @param factorMilli 1000 = the full configured rate; never below {@link #MIN_FACTOR_MILLI}, so a
 *                    recovered verifier is noticed by the few people still admitted
 */
public record VerifierHealth(int factorMilli) {
    public static final int MIN_FACTOR_MILLI = 50;
    public static final VerifierHealth FULL = new VerifierHealth(1000);
    /** An error share above this (of at least {@link #MIN_CALLS} calls in the tick) is trouble. */
    static final int MAX_ERROR_PERCENT = 10;
    static final int MIN_CALLS = 3;
    /** A backlog above this many seconds of the current admission rate is falling behind. */
    static final int MAX_BACKLOG_SECONDS = 10;
    static final int RECOVERY_STEP_MILLI = 100;

    public VerifierHealth {
        if (factorMilli < MIN_FACTOR_MILLI || factorMilli > 1000) {
            throw new IllegalArgumentException("factor " + factorMilli);
        }
    }

    /** Why the factor moved, for the rollout's view and logs. */
    public enum Signal { HEALTHY, ERRORS, BACKLOG }

    public record Step(VerifierHealth next, Signal signal) {}

    /**
     * @param calls         verifier calls since the previous tick
     * @param errors        of which failed (errors, timeouts, throttling)
     * @param backlog       signups waiting for verification now
     * @param ratePerSecond the configured admission rate (all open cohorts of the rollout)
     */
    public Step next(long calls, long errors, long backlog, long ratePerSecond) {
        if (calls >= MIN_CALLS && errors * 100 > calls * MAX_ERROR_PERCENT) {
            return new Step(new VerifierHealth(Math.max(MIN_FACTOR_MILLI, factorMilli / 2)), Signal.ERRORS);
        }
        long currentRateMilli = ratePerSecond * factorMilli;
        if (backlog * 1000 > currentRateMilli * MAX_BACKLOG_SECONDS && backlog > MIN_CALLS) {
            return new Step(new VerifierHealth(Math.max(MIN_FACTOR_MILLI, factorMilli / 2)), Signal.BACKLOG);
        }
        return new Step(new VerifierHealth(Math.min(1000, factorMilli + RECOVERY_STEP_MILLI)), Signal.HEALTHY);
    }
}
