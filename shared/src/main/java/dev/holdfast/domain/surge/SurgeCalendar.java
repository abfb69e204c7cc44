package dev.holdfast.domain.surge;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The known surges, and what they freeze. A surge freezes changes (maintenance to a non-NORMAL
 * mode, deployments) from its lead time before it starts until it ends; a cancelled one freezes
 * nothing. When several freeze the same moment, the one that started (or starts) first is named.
 */
public final class SurgeCalendar {
    /** The lead time when none is configured. */
    public static final Duration DEFAULT_LEAD = Duration.ofMinutes(30);
    /** The longest lead time that may be configured. */
    public static final Duration MAX_LEAD = Duration.ofHours(24);
    private static final Comparator<Surge> EARLIEST_FIRST =
            Comparator.comparing(Surge::startsAt).thenComparing(Surge::endsAt).thenComparing(Surge::surgeId);

    private final List<Surge> surges;

    public SurgeCalendar(List<Surge> surges) {
        this.surges = surges.stream().sorted(EARLIEST_FIRST).toList();
    }

    /** The surge that freezes time {@code t} given the lead time, if any. */
    public Optional<Surge> freezing(Instant t, Duration lead) {
        return surges.stream().filter(s -> s.freezesAt(t, lead)).findFirst();
    }

    /**
     * The surge that freezes deployments at {@code t}: one that freezes {@code t} without a deploy
     * override active at {@code t}. A deployment goes through only if every freezing surge is overridden.
     */
    public Optional<Surge> freezingDeploys(Instant t, Duration lead) {
        return surges.stream()
                .filter(s -> s.freezesAt(t, lead))
                .filter(s -> s.deployOverride().map(o -> !o.activeAt(t)).orElse(true))
                .findFirst();
    }

    /** Every surge not yet over at {@code t} (upcoming, current, and cancelled ones that would be), earliest first. */
    public List<Surge> upcomingAndCurrent(Instant t) {
        return surges.stream().filter(s -> s.endsAt().isAfter(t)).toList();
    }

    /**
     * The lead time from a configured value in minutes ({@code null} or blank: {@link #DEFAULT_LEAD}).
     *
     * @throws IllegalArgumentException if it is not a whole number of minutes from 0 to {@link #MAX_LEAD}
     */
    public static Duration lead(String minutes) {
        if (minutes == null || minutes.isBlank()) {
            return DEFAULT_LEAD;
        }
        long m;
        try {
            m = Long.parseLong(minutes.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the freeze lead time is whole minutes, not '" + minutes + "'");
        }
        if (m < 0 || m > MAX_LEAD.toMinutes()) {
            throw new IllegalArgumentException("the freeze lead time is from 0 to " + MAX_LEAD.toMinutes() + " minutes");
        }
        return Duration.ofMinutes(m);
    }
}
