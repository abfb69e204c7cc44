package dev.holdfast.functions.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retrying an optimistic write of one account by a time budget rather than a small count: one
 * account's own concurrent calls (40 withdrawals at once) each get their turn, with full-jitter
 * exponential back-off so they spread out instead of colliding in lock step. The budget stays well
 * under the function's timeout, so a call that still loses answers in time (503, nothing committed).
 */
public final class RetryBudget {
    /** The first back-off's upper bound, doubled per attempt up to {@link #CAP_MS}. */
    static final long BASE_MS = 4;
    static final long CAP_MS = 120;

    private final long deadlineNanos;
    private final long baseNanos;
    private final long capNanos;
    private int attempt;

    private RetryBudget(Duration budget, Duration base, Duration cap) {
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
    }

    /** A budget with the default back-off (4 ms doubling to 120 ms). */
    public static RetryBudget of(Duration budget) {
        return of(budget, Duration.ofMillis(BASE_MS), Duration.ofMillis(CAP_MS));
    }

    /** A budget whose back-off starts below {@code base} and doubles up to {@code cap}. */
    public static RetryBudget of(Duration budget, Duration base, Duration cap) {
        return new RetryBudget(budget, base, cap);
    }

    /** Whether another try fits the budget (the first always does). */
    public boolean more() {
        return attempt == 0 || System.nanoTime() < deadlineNanos;
    }

    /**
     * Counts a lost race and sleeps a random time in [0, min(cap, base·2^attempt)] — never more than
     * a quarter of what is left of the budget, so the last attempts still happen.
     */
    public void backOff() {
        long bound = Math.min(capNanos, baseNanos << Math.min(attempt, 10));
        bound = Math.min(bound, Math.max(1_000_000L, (deadlineNanos - System.nanoTime()) / 4));
        attempt++;
        long nanos = ThreadLocalRandom.current().nextLong(bound + 1);
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts a retry that needs no pause (e.g. the mode changed and was read again). */
    public void again() {
        attempt++;
    }

    public int attempts() {
        return attempt;
    }
}
