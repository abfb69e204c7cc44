package dev.holdfast.domain.market;

import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import dev.holdfast.domain.pricing.Odds;
import dev.holdfast.domain.pricing.Pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A market and the decisions about it, as plain values: state transitions, applying a feed update,
 * and the staleness watchdog. Stores persist what these return, guarded by {@code revision} so
 * concurrent writers (ingester, watchdog, admins) never lose each other's changes.
 *
 * @param lastSequence the newest feed sequence applied (0 before the first)
 * @param revision     increases with every stored change
 */
public record Market(String marketId, String eventId, String name, MarketState state, String stateReason,
                     List<Selection> selections, FeedMapping feed, MarginPolicy margin, ExposureSignal exposure,
                     Optional<CurrentPrice> price, long lastSequence, long revision, Instant createdAt) {

    public Market {
        selections = List.copyOf(selections);
        Objects.requireNonNull(state);
        Objects.requireNonNull(price);
    }

    /** Refused: {@code from → to} is not a transition of the state machine (or the market has no price to open with). */
    public static final class IllegalTransition extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final MarketState from;
        public final MarketState to;

        IllegalTransition(MarketState from, MarketState to, String why) {
            super(why, null, false, false);
            this.from = from;
            this.to = to;
        }
    }

    /** A change to store: the market after it, and the transition to record if the state moved. */
    public record Change(Market after, Optional<Transition> transition) {}

    private Market with(MarketState s, String reason, Optional<CurrentPrice> p, long seq) {
        return new Market(marketId, eventId, name, s, reason, selections, feed, margin, exposure, p, seq,
                revision + 1, createdAt);
    }

    /**
     * An admin's reset of the feed sequence (after a provider restarted its numbering, or a bad
     * jump was applied): the next message must be newer than {@code sequence}. No state change.
     */
    public Change withFeedSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("a feed sequence is never negative");
        }
        return new Change(with(state, stateReason, price, sequence), Optional.empty());
    }

    /** Moves the market to {@code to}; refuses what the state machine forbids. */
    public Change transition(MarketState to, String cause, String reason, Instant at) {
        if (!state.canMoveTo(to)) {
            throw new IllegalTransition(state, to, "a market cannot go from " + state + " to " + to);
        }
        if (to == MarketState.OPEN && price.isEmpty()) {
            throw new IllegalTransition(state, to, "a market opens only once it has a published price");
        }
        return new Change(with(to, reason, price, lastSequence), Optional.of(new Transition(state, to, cause, reason, at)));
    }

    /** What applying a feed update did. */
    public sealed interface FeedOutcome {
        /** A duplicate or older sequence: nothing changes. */
        record Ignored() implements FeedOutcome {}

        /** Same odds as now: only the price's age moves. */
        record Refreshed(Change change) implements FeedOutcome {}

        /** New odds: a new snapshot with the next version. */
        record Published(Change change, PriceSnapshot snapshot) implements FeedOutcome {}
    }

    /**
     * Applies normalized probabilities from feed message {@code sequence}. A fresh price brings a
     * market suspended for {@code FEED_STALE} back to {@code OPEN}.
     */
    public FeedOutcome applyFeed(long sequence, Map<String, BigDecimal> probabilities, Instant sourceTimestamp,
                                 Instant receivedAt) {
        if (sequence <= lastSequence || !acceptsPrices()) {
            return new FeedOutcome.Ignored();
        }
        Map<String, Odds> odds = Pricing.price(probabilities, margin, exposure);
        boolean resume = state == MarketState.SUSPENDED && Transition.FEED_STALE.equals(stateReason);
        MarketState nextState = resume ? MarketState.OPEN : state;
        String nextReason = resume ? null : stateReason;
        Optional<Transition> t = resume
                ? Optional.of(new Transition(state, MarketState.OPEN, Transition.FEED, "FEED_FRESH", receivedAt))
                : Optional.empty();
        if (price.isPresent() && price.get().odds().equals(odds)) {
            CurrentPrice p = price.get();
            CurrentPrice refreshed = new CurrentPrice(p.priceVersion(), p.odds(), p.publishedAt(), sourceTimestamp, receivedAt);
            return new FeedOutcome.Refreshed(new Change(with(nextState, nextReason, Optional.of(refreshed), sequence), t));
        }
        long version = price.map(CurrentPrice::priceVersion).orElse(0L) + 1;
        CurrentPrice next = new CurrentPrice(version, odds, receivedAt, sourceTimestamp, receivedAt);
        PriceSnapshot snapshot = new PriceSnapshot(marketId, version, odds, probabilities, sequence, receivedAt,
                sourceTimestamp, receivedAt);
        return new FeedOutcome.Published(new Change(with(nextState, nextReason, Optional.of(next), sequence), t), snapshot);
    }

    /**
     * The post-trade risk processor's decision: store {@code signal} as the market's exposure
     * signal (the next feed price is computed with it), and, if {@code overThreshold} while the
     * market is {@code OPEN}, suspend it with cause {@link Transition#RISK} and reason
     * {@link Transition#EXPOSURE_THRESHOLD}. Empty when nothing would change (the same signal and
     * no suspension), so a redelivered record writes nothing. Markets past {@link #acceptsPrices()}
     * are left alone: their prices and exposure no longer matter, and settlement owns them.
     */
    public Optional<Change> exposureUpdate(ExposureSignal signal, boolean overThreshold, Instant at) {
        Objects.requireNonNull(signal);
        if (!acceptsPrices()) {
            return Optional.empty();
        }
        boolean suspend = overThreshold && state == MarketState.OPEN;
        if (!suspend && sameSignal(exposure, signal)) {
            return Optional.empty();
        }
        Market after = new Market(marketId, eventId, name, suspend ? MarketState.SUSPENDED : state,
                suspend ? Transition.EXPOSURE_THRESHOLD : stateReason, selections, feed, margin, signal, price,
                lastSequence, revision + 1, createdAt);
        return Optional.of(new Change(after, suspend
                ? Optional.of(new Transition(state, MarketState.SUSPENDED, Transition.RISK, Transition.EXPOSURE_THRESHOLD, at))
                : Optional.empty()));
    }

    /** Equal signals: every selection at the same level (whatever the decimals' scale). */
    static boolean sameSignal(ExposureSignal a, ExposureSignal b) {
        java.util.Set<String> ids = new java.util.HashSet<>(a.values().keySet());
        ids.addAll(b.values().keySet());
        for (String id : ids) {
            if (a.level(id).compareTo(b.level(id)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Prices are kept up to date until the market closes; afterwards the feed changes nothing. */
    public boolean acceptsPrices() {
        return state == MarketState.PENDING || state == MarketState.OPEN || state == MarketState.SUSPENDED;
    }

    /**
     * The watchdog's decision at {@code now}: suspend an open market whose price is older than
     * {@code suspendAfterSeconds}; reopen one it suspended once its price is fresh again.
     */
    public Optional<Change> watchdog(Instant now, FeedFreshness freshness) {
        if (price.isEmpty()) {
            return Optional.empty();
        }
        Instant receivedAt = price.get().receivedAt();
        if (state == MarketState.OPEN && freshness.staleEnoughToSuspend(receivedAt, now)) {
            return Optional.of(transition(MarketState.SUSPENDED, Transition.FEED_WATCHDOG, Transition.FEED_STALE, now));
        }
        if (state == MarketState.SUSPENDED && Transition.FEED_STALE.equals(stateReason) && freshness.fresh(receivedAt, now)) {
            return Optional.of(transition(MarketState.OPEN, Transition.FEED_WATCHDOG, "FEED_FRESH", now));
        }
        return Optional.empty();
    }
}
