package dev.holdfast.local.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand: staleness is tested by advancing time, never by sleeping. */
public final class MutableClock extends Clock {
    private volatile Instant now;

    /** Starts at {@code start}, truncated to the milliseconds that stored times keep. */
    public MutableClock(Instant start) {
        this.now = start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
