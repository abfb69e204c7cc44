package dev.holdfast.domain.capacity;

import java.time.Instant;
import java.util.List;

/** Where the preparer learns of surges: the surge calendar, as plain values. */
public interface SurgeSource {
    /**
     * The surges not yet over at {@code now} (those ending after it), including ones far ahead; a
     * cancelled surge is not listed.
     */
    List<PlannedSurge> notOverAt(Instant now);

    /** No calendar: the preparer then only keeps provisioned concurrency at rest. */
    SurgeSource NONE = now -> List.of();
}
