package dev.holdfast.domain.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code GET /status} shows: the mode, the notice shown to users, since when, and the
 * announced end of a maintenance ({@code until}). Past {@code until} while the mode is still not
 * NORMAL, the work is <em>extended</em>: the status says so, and the notice carries
 * {@link #extendedNotice} — a maintenance cannot overrun silently.
 *
 * @param revision increases by one with every change; stores use it for optimistic concurrency
 */
public record PlatformStatus(TradingMode mode, Optional<String> notice, Instant since, Optional<Instant> until,
                             long revision) {

    public PlatformStatus {
        Objects.requireNonNull(mode);
        Objects.requireNonNull(notice);
        Objects.requireNonNull(since);
        Objects.requireNonNull(until);
        if (mode == TradingMode.NORMAL && until.isPresent()) {
            throw new IllegalArgumentException("only a maintenance mode has an announced end");
        }
    }

    /** The status a fresh platform starts in. */
    public static PlatformStatus initial(Instant at) {
        return new PlatformStatus(TradingMode.NORMAL, Optional.empty(), at, Optional.empty(), 0);
    }

    /**
     * The status after ops set {@code mode} with {@code notice} and the announced end {@code until}.
     * {@code since} moves only when the mode changes: editing the notice (or the end) of an ongoing
     * halt does not restart its clock.
     */
    public PlatformStatus changeTo(TradingMode newMode, Optional<String> newNotice, Optional<Instant> newUntil, Instant at) {
        Instant newSince = newMode == mode ? since : at;
        return new PlatformStatus(newMode, newNotice, newSince, newUntil, revision + 1);
    }

    /** As {@link #changeTo(TradingMode, Optional, Optional, Instant)} without an announced end. */
    public PlatformStatus changeTo(TradingMode newMode, Optional<String> newNotice, Instant at) {
        return changeTo(newMode, newNotice, Optional.empty(), at);
    }

    /** Whether the maintenance is past its announced end at {@code now}. */
    public boolean extendedAt(Instant now) {
        return mode != TradingMode.NORMAL && until.isPresent() && now.isAfter(until.get());
    }

    /** How long past its announced end the maintenance is at {@code now} (zero if it is not). */
    public Duration overrunAt(Instant now) {
        return extendedAt(now) ? Duration.between(until.get(), now) : Duration.ZERO;
    }

    /** The notice as shown at {@code now}: past the announced end, with {@link #extendedNotice} after it. */
    public Optional<String> noticeAt(Instant now, String untilText) {
        if (!extendedAt(now)) {
            return notice;
        }
        String suffix = extendedNotice(untilText);
        return Optional.of(notice.map(n -> n + " " + suffix).orElse(suffix));
    }

    /** What an overrunning maintenance adds to its notice. */
    public static String extendedNotice(String untilText) {
        return "[Extended: this work was announced to end at " + untilText + " and is still in progress.]";
    }
}
