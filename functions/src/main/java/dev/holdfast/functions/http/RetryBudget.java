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
    private int attempt;

    private RetryBudget(Duration budget) {
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    public static RetryBudget of(Duration budget) {
        return new RetryBudget(budget);
    }

    /** Whether another try fits the budget (the first always does). */
    public boolean more() {
        return attempt == 0 || System.nanoTime() < deadlineNanos;
    }

    /** Counts a lost race and sleeps a random time in [0, min(cap, base·2^attempt)] ms. */
    public void backOff() {
        long bound = Math.min(CAP_MS, BASE_MS << Math.min(attempt, 10));
        attempt++;
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
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
