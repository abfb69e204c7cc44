package dev.holdfast.domain.market;

import java.time.Instant;
import java.util.Objects;

/**
 * One recorded change of a market's state, kept forever.
 *
 * @param from   the state before ({@code null} for the market's creation)
 * @param cause  who or what caused it: an admin's {@code sub}, {@code feed-watchdog}, {@code feed}, {@code risk}
 * @param reason why, e.g. {@code FEED_STALE}, or the admin's words
 */
public record Transition(MarketState from, MarketState to, String cause, String reason, Instant at) {

    public static final String FEED_WATCHDOG = "feed-watchdog";
    public static final String FEED = "feed";
    /** The settlement worker: {@code SETTLING → SETTLED/VOIDED} once every order is settled. */
    public static final String SETTLEMENT = "settlement";
    public static final String FEED_STALE = "FEED_STALE";
    /** The post-trade risk processor. */
    public static final String RISK = "risk";
    /** A selection's open liability passed the configured share of its event limit. */
    public static final String EXPOSURE_THRESHOLD = "EXPOSURE_THRESHOLD";

    public Transition {
        Objects.requireNonNull(to);
        Objects.requireNonNull(cause);
        Objects.requireNonNull(at);
    }
}
