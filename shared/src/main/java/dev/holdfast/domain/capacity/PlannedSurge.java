package dev.holdfast.domain.capacity;

import dev.holdfast.domain.surge.ExpectedPeak;
import java.time.Instant;

/**
 * A surge the calendar knows of, as the pre-scaling plan needs it: plain values, whatever store they
 * come from.
 *
 * @param name     what it is (shown in the plan)
 * @param kind     BROADCAST, LISTING, COHORT, RECHARGE, …
 * @param startsAt when its traffic starts
 * @param endsAt   when it is over (after {@code startsAt})
 * @param peak     the traffic expected at its peak
 */
public record PlannedSurge(String name, String kind, Instant startsAt, Instant endsAt, ExpectedPeak peak) {
    public PlannedSurge {
        if (name == null || kind == null || startsAt == null || endsAt == null || peak == null
                || !endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("a surge needs a name, a kind, a peak and startsAt before endsAt");
        }
    }
}
