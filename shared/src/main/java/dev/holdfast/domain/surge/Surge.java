package dev.holdfast.domain.surge;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A known surge on the calendar: a window of expected load, declared ahead by ops (or registered by
 * a rollout's cohort). During its window and a lead time before it, changes are frozen
 * ({@link SurgeCalendar}). A cancelled surge is kept, marked cancelled, and freezes nothing.
 *
 * @param deployOverride the latest recorded permission for deployments to go through its freeze
 */
public record Surge(String surgeId, String name, SurgeKind kind, Instant startsAt, Instant endsAt,
                    ExpectedPeak expectedPeak, String createdBy, Instant createdAt,
                    Optional<Cancellation> cancellation, Optional<DeployOverride> deployOverride) {
    public static final int NAME_MAX = 200;
    public static final int REASON_MAX = 500;
    /** The longest window ops may declare (a rollout cohort's surge follows the cohort's own window). */
    public static final Duration MAX_DECLARED = Duration.ofDays(31);

    public Surge {
        Objects.requireNonNull(surgeId);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(expectedPeak);
        Objects.requireNonNull(cancellation);
        Objects.requireNonNull(deployOverride);
        if (name == null || name.isBlank() || name.length() > NAME_MAX) {
            throw new IllegalArgumentException("a surge's name is 1 to " + NAME_MAX + " characters");
        }
        if (!startsAt.isBefore(endsAt)) {
            throw new IllegalArgumentException("a surge starts before it ends");
        }
    }

    /** Why, by whom and when a surge was cancelled. */
    public record Cancellation(String reason, String by, Instant at) {}

    /** Ops' recorded permission for deployments during this surge's freeze, until {@code expiresAt}. */
    public record DeployOverride(String reason, String by, Instant at, Instant expiresAt) {
        public boolean activeAt(Instant t) {
            return !t.isBefore(at) && t.isBefore(expiresAt);
        }
    }

    /** Where a surge stands at a moment. */
    public enum Status { UPCOMING, CURRENT, ENDED, CANCELLED }

    public Status statusAt(Instant t) {
        if (cancellation.isPresent()) {
            return Status.CANCELLED;
        }
        if (t.isBefore(startsAt)) {
            return Status.UPCOMING;
        }
        return t.isBefore(endsAt) ? Status.CURRENT : Status.ENDED;
    }

    /** When its change freeze begins, given the lead time. */
    public Instant freezeStartsAt(Duration lead) {
        return startsAt.minus(lead);
    }

    /** Whether it freezes changes at {@code t}: not cancelled, and {@code t} within [start − lead, end). */
    public boolean freezesAt(Instant t, Duration lead) {
        return cancellation.isEmpty() && !t.isBefore(freezeStartsAt(lead)) && t.isBefore(endsAt);
    }

    public Surge cancelled(Cancellation c) {
        return new Surge(surgeId, name, kind, startsAt, endsAt, expectedPeak, createdBy, createdAt, Optional.of(c), deployOverride);
    }

    /**
     * With a deploy override from {@code at} for {@code length}, never past the surge's end (after
     * it nothing is frozen).
     */
    public Surge overriddenForDeploys(String reason, String by, Instant at, Duration length) {
        Instant until = at.plus(length);
        if (until.isAfter(endsAt)) {
            until = endsAt;
        }
        return new Surge(surgeId, name, kind, startsAt, endsAt, expectedPeak, createdBy, createdAt, cancellation,
                Optional.of(new DeployOverride(reason, by, at, until)));
    }
}
