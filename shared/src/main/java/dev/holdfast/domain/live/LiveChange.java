package dev.holdfast.domain.live;

import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.MarketState;

import java.util.Objects;
import java.util.Optional;

/**
 * One message of the live-price protocol about a market, as a plain value: a change (a new or
 * refreshed price, a state transition) carrying the market's publish sequence, or a snapshot of
 * the market's current state and price. The sequence increases by one per change per market, so a
 * client that sees {@code n} then {@code n + 2} knows it missed one.
 */
public sealed interface LiveChange {
    String marketId();

    long sequence();

    /** A new {@code priceVersion}, or the same version with a refreshed age ({@code receivedAt}, {@code sourceTimestamp}). */
    record Price(String marketId, long sequence, CurrentPrice price) implements LiveChange {
        public Price {
            Objects.requireNonNull(marketId);
            Objects.requireNonNull(price);
        }
    }

    /** A state transition ({@code SUSPENDED} with {@code FEED_STALE}, reopened, {@code CLOSED}, settled...). */
    record State(String marketId, long sequence, MarketState state, String stateReason) implements LiveChange {
        public State {
            Objects.requireNonNull(marketId);
            Objects.requireNonNull(state);
        }
    }

    /**
     * The market as it is, with the sequence of the newest change it includes. {@code resumed} is
     * present (and false) only when a {@code resume} could not be served from the held changes.
     */
    record Snapshot(String marketId, long sequence, MarketState state, String stateReason,
                    Optional<CurrentPrice> price, Optional<Boolean> resumed) implements LiveChange {
        public Snapshot {
            Objects.requireNonNull(marketId);
            Objects.requireNonNull(state);
            Objects.requireNonNull(price);
            Objects.requireNonNull(resumed);
        }

        /** The same snapshot marked as the answer to a resume that could not be served. */
        public Snapshot notResumed() {
            return new Snapshot(marketId, sequence, state, stateReason, price, Optional.of(false));
        }
    }
}
