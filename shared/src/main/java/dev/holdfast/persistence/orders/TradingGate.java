package dev.holdfast.persistence.orders;

import dev.holdfast.persistence.exposure.RiskLagStore;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.domain.platform.PlatformStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The order path's view of the trading mode and of the post-trade risk lag, kept out of every
 * order's transaction (an item every order condition-checks caps the platform at one partition's
 * rate and turns a surge into transaction conflicts — and a halt would have to win against them).
 *
 * <p><b>The bound.</b> A view is used only while younger than {@code ttl}, measured from the moment
 * its read was <em>sent</em> (a read sent after a write was acknowledged sees it: both reads are
 * strongly consistent). So a commit sent more than {@code ttl} (+ the time from the check to the
 * send, a few milliseconds) after {@code POST /admin/maintenance} answered is refused: with the
 * default {@link #DEFAULT_TTL} of 500 ms, within the contract's 1 s. The same bound holds for a
 * reported risk lag. Measured under surge load by {@code ./localstack/bench hot-market}.
 *
 * <p>Each container refreshes at most once per {@code ttl}: two strongly consistent reads, whatever
 * the order rate.
 */
public final class TradingGate {
    /** How old a view of the mode and the lag may be when an order commit is sent. */
    public static final Duration DEFAULT_TTL = Duration.ofMillis(500);

    private final StatusStore status;
    private final RiskLagStore lag;
    private final Clock clock;
    private final Duration ttl;
    private volatile View view;

    /** What the gate last read, and when that read was sent. */
    public record View(PlatformStatus status, Optional<RiskLagStore.Lag> lag, Instant readAt) {}

    public TradingGate(StatusStore status, RiskLagStore lag, Clock clock, Duration ttl) {
        this.status = status;
        this.lag = lag;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The current view: cached if younger than the bound, else read again (once per container at a time). */
    public View current() {
        View v = view;
        if (v != null && Duration.between(v.readAt(), clock.instant()).compareTo(ttl) < 0) {
            return v;
        }
        synchronized (this) {
            v = view;
            if (v != null && Duration.between(v.readAt(), clock.instant()).compareTo(ttl) < 0) {
                return v;
            }
            Instant sent = clock.instant();
            v = new View(status.current(), lag.current(), sent);
            view = v;
            return v;
        }
    }

    /** The bound this gate keeps. */
    public Duration ttl() {
        return ttl;
    }
}
