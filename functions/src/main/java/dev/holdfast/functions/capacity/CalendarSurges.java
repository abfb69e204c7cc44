package dev.holdfast.functions.capacity;

import dev.holdfast.domain.capacity.PlannedSurge;
import dev.holdfast.domain.capacity.SurgeSource;
import dev.holdfast.persistence.surges.SurgeStore;

import java.time.Instant;
import java.util.List;

/**
 * The preparer's {@link SurgeSource} in AWS: the surge calendar ({@code POST /admin/surges}, and the
 * {@code COHORT} surges a rollout registers), read from the platform table — every surge not over yet,
 * however far ahead (warm throughput is raised a day before), cancelled ones left out.
 */
public final class CalendarSurges implements SurgeSource {
    private final SurgeStore store;

    public CalendarSurges(SurgeStore store) {
        this.store = store;
    }

    @Override
    public List<PlannedSurge> notOverAt(Instant now) {
        return store.notOverAt(now).upcomingAndCurrent(now).stream()
                .filter(s -> s.cancellation().isEmpty())
                .map(s -> new PlannedSurge(s.name(), s.kind().name(), s.startsAt(), s.endsAt(), s.expectedPeak()))
                .toList();
    }
}
