package dev.holdfast.domain.live;

import dev.holdfast.domain.market.CurrentPrice;
import dev.holdfast.domain.market.Market;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a stored change of a market means to the people watching it: which protocol messages one
 * market write turns into. A write that changes neither the state nor the price (an exposure
 * signal, a feed sequence that was ignored) is nothing to publish; a write that reopens a market
 * suspended for {@code FEED_STALE} with a new price is two changes, the state first.
 */
public final class MarketChanges {
    private MarketChanges() {}

    /** How many changes {@code before → after} publishes (0, 1 or 2). */
    public static int count(Optional<Market> before, Market after) {
        return (stateChanged(before, after) ? 1 : 0) + (priceChanged(before, after) ? 1 : 0);
    }

    /**
     * The changes {@code before → after} publishes, numbered from {@code firstSequence}; empty when
     * {@link #count} is 0. {@code before} is empty for a newly created market.
     */
    public static List<LiveChange> between(Optional<Market> before, Market after, long firstSequence) {
        Objects.requireNonNull(after);
        List<LiveChange> out = new ArrayList<>(2);
        long seq = firstSequence;
        if (stateChanged(before, after)) {
            out.add(new LiveChange.State(after.marketId(), seq++, after.state(), after.stateReason()));
        }
        if (priceChanged(before, after)) {
            out.add(new LiveChange.Price(after.marketId(), seq, after.price().orElseThrow()));
        }
        return List.copyOf(out);
    }

    /** The snapshot of {@code market} that includes every change up to {@code sequence}. */
    public static LiveChange.Snapshot snapshot(Market market, long sequence) {
        return new LiveChange.Snapshot(market.marketId(), sequence, market.state(), market.stateReason(),
                market.price(), Optional.empty());
    }

    static boolean stateChanged(Optional<Market> before, Market after) {
        if (before.isEmpty()) {
            return false; // a new market is PENDING: subscribers get it in their snapshot
        }
        Market b = before.get();
        return b.state() != after.state() || !Objects.equals(b.stateReason(), after.stateReason());
    }

    static boolean priceChanged(Optional<Market> before, Market after) {
        if (after.price().isEmpty()) {
            return false;
        }
        Optional<CurrentPrice> was = before.flatMap(Market::price);
        if (was.isEmpty()) {
            return true;
        }
        CurrentPrice p = was.get();
        CurrentPrice n = after.price().get();
        return p.priceVersion() != n.priceVersion()
                || !p.receivedAt().equals(n.receivedAt())
                || !p.sourceTimestamp().equals(n.sourceTimestamp());
    }
}
