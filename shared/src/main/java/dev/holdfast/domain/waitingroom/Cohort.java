package dev.holdfast.domain.waitingroom;

import java.time.Instant;
import java.util.Objects;

/** One staged group of a rollout: its own link, opening and closing time. */
public record Cohort(String cohortId, String label, Instant opensAt, Instant closesAt) {
    public Cohort {
        Objects.requireNonNull(cohortId);
        Objects.requireNonNull(label);
        if (!opensAt.isBefore(closesAt)) {
            throw new IllegalArgumentException("a cohort opens before it closes");
        }
    }

    /** Where a cohort stands at a moment. */
    public enum Phase { NOT_OPEN, OPEN, CLOSED }

    /** Entering is allowed from {@code opensAt} (inclusive) until {@code closesAt} (exclusive). */
    public Phase phaseAt(Instant now) {
        if (now.isBefore(opensAt)) {
            return Phase.NOT_OPEN;
        }
        return now.isBefore(closesAt) ? Phase.OPEN : Phase.CLOSED;
    }
}
