package dev.holdfast.domain.waitingroom;

/**
 * How many people may be admitted now: a token bucket filled at {@code rate × factor} per second,
 * counted in millionths of a person so that the fill of every tick is a whole number (rate × factor in
 * thousandths × milliseconds) and fractions carry over exactly: the long-run rate is exact. A late tick
 * catches up on the time since the previous one, so over any tick interval admission is exactly the
 * configured rate; after a gap longer than {@link #MAX_CATCH_UP_MILLIS} (an admitter that was down) it
 * starts afresh rather than admit the whole gap's worth at once. Only the fraction carries over: whole admissions not used in a tick (nobody
 * waiting) are dropped, so an idle queue banks nothing.
 *
 * @param carryMicro millionths of a person not yet admitted, carried to the next tick
 */
public record AdmissionPace(long carryMicro) {
    public static final AdmissionPace START = new AdmissionPace(0);
    static final long ONE = 1_000_000;
    /** The longest gap a tick makes up for. */
    public static final long MAX_CATCH_UP_MILLIS = 3_000;

    /** This tick's admissions and what carries over. */
    public record Step(long admit, AdmissionPace next) {}

    /**
     * @param ratePerSecond the configured admission rate
     * @param factorMilli   the verifier-health factor in thousandths (1000 = full rate)
     * @param elapsedMillis time since the previous tick
     */
    public Step tick(long ratePerSecond, int factorMilli, long elapsedMillis) {
        if (ratePerSecond < 0 || factorMilli < 0 || factorMilli > 1000 || elapsedMillis < 0) {
            throw new IllegalArgumentException("rate " + ratePerSecond + ", factor " + factorMilli + ", elapsed " + elapsedMillis);
        }
        long perSecond = ratePerSecond * factorMilli * 1000; // millionths of a person per second
        long filled = carryMicro + ratePerSecond * factorMilli * Math.min(elapsedMillis, MAX_CATCH_UP_MILLIS);
        long admit = filled / ONE;
        return new Step(admit, new AdmissionPace(filled - admit * ONE));
    }
}
