package dev.holdfast.domain.market;

import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.Odds;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The post-trade risk processor's decision on a market: the exposure signal and risk suspension. */
class MarketExposureTest {
    private static final Instant T1 = MarketTest.T0.plusSeconds(60);
    private static final ExposureSignal HALF = new ExposureSignal(Map.of("s-1", new BigDecimal("0.5000")));

    private static Market open() {
        Market priced = MarketTest.priced(MarketTest.pending(), 1, MarketTest.probs("0.5", "0.5"), MarketTest.T0);
        return priced.transition(MarketState.OPEN, "admin", null, MarketTest.T0).after();
    }

    @Test
    void aNewSignalIsStoredWithoutATransitionAndTheNextPriceShortensOnlyThatSelection() {
        Market m = open();
        Market.Change c = m.exposureUpdate(HALF, false, T1).orElseThrow();
        assertTrue(c.transition().isEmpty());
        assertEquals(MarketState.OPEN, c.after().state());
        assertEquals(m.revision() + 1, c.after().revision());
        assertEquals(m.price(), c.after().price(), "the price itself moves only with the feed");

        Market.FeedOutcome o = c.after().applyFeed(2, MarketTest.probs("0.5", "0.5"), T1, T1);
        Map<String, Odds> before = m.price().orElseThrow().odds();
        Map<String, Odds> after = ((Market.FeedOutcome.Published) o).change().after().price().orElseThrow().odds();
        assertTrue(after.get("s-1").value().compareTo(before.get("s-1").value()) < 0, before + " -> " + after);
        assertEquals(before.get("s-2"), after.get("s-2"));
    }

    @Test
    void theSameSignalChangesNothingWhateverItsScale() {
        Market m = open().exposureUpdate(HALF, false, T1).orElseThrow().after();
        assertEquals(Optional.empty(), m.exposureUpdate(new ExposureSignal(Map.of("s-1", new BigDecimal("0.5"))), false, T1));
        assertEquals(Optional.empty(), open().exposureUpdate(new ExposureSignal(Map.of("s-1", BigDecimal.ZERO)), false, T1),
                "an explicit zero is no signal");
    }

    @Test
    void overTheThresholdAnOpenMarketIsSuspendedByRisk() {
        Market m = open();
        Market.Change c = m.exposureUpdate(HALF, true, T1).orElseThrow();
        assertEquals(MarketState.SUSPENDED, c.after().state());
        assertEquals(Transition.EXPOSURE_THRESHOLD, c.after().stateReason());
        assertEquals(HALF, c.after().exposure());
        assertEquals(new Transition(MarketState.OPEN, MarketState.SUSPENDED, Transition.RISK, Transition.EXPOSURE_THRESHOLD, T1),
                c.transition().orElseThrow());
        // a redelivery: already suspended with this signal, nothing more happens
        assertEquals(Optional.empty(), c.after().exposureUpdate(HALF, true, T1.plusSeconds(1)));
        // a fresh feed price does not reopen a market that risk suspended
        Market.FeedOutcome o = c.after().applyFeed(2, MarketTest.probs("0.5", "0.5"), T1, T1);
        Market fed = ((Market.FeedOutcome.Published) o).change().after();
        assertEquals(MarketState.SUSPENDED, fed.state());
        assertEquals(Transition.EXPOSURE_THRESHOLD, fed.stateReason());
    }

    @Test
    void closedMarketsAreLeftToSettlement() {
        Market closed = open().transition(MarketState.CLOSED, "admin", null, T1).after();
        assertEquals(Optional.empty(), closed.exposureUpdate(HALF, true, T1));
        Market pending = MarketTest.pending();
        Market.Change c = pending.exposureUpdate(HALF, true, T1).orElseThrow();
        assertEquals(MarketState.PENDING, c.after().state(), "only an OPEN market is suspended");
        assertTrue(c.transition().isEmpty());
    }
}
