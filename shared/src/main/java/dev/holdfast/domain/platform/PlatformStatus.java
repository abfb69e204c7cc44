package dev.holdfast.domain.platform;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code GET /status} shows: the mode, the notice shown to users, and since when.
 *
 * @param revision increases by one with every change; stores use it for optimistic concurrency
 */
public record PlatformStatus(TradingMode mode, Optional<String> notice, Instant since, long revision) {

    public PlatformStatus {
        Objects.requireNonNull(mode);
        Objects.requireNonNull(notice);
        Objects.requireNonNull(since);
    }

    /** The status a fresh platform starts in. */
    public static PlatformStatus initial(Instant at) {
        return new PlatformStatus(TradingMode.NORMAL, Optional.empty(), at, 0);
    }

    /**
     * The status after ops set {@code mode} with {@code notice}. {@code since} moves only when the
     * mode changes: editing the notice of an ongoing halt does not restart its clock.
     */
    public PlatformStatus changeTo(TradingMode newMode, Optional<String> newNotice, Instant at) {
        Instant newSince = newMode == mode ? since : at;
        return new PlatformStatus(newMode, newNotice, newSince, revision + 1);
    }
}
