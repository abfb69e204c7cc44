package dev.holdfast.domain.market;

import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarketTest {
    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
    static final List<Selection> SELECTIONS = List.of(new Selection("s-1", "Home"), new Selection("s-2", "Away"));
    static final FeedMapping FEED = new FeedMapping("acme", "123", Map.of("1", "s-1", "2", "s-2"));

    static Market pending() {
        return new Market("m-1", "e-1", "Winner", MarketState.PENDING, null, SELECTIONS, FEED, MarginPolicy.DEFAULT,
                ExposureSignal.NONE, Optional.empty(), 0, 1, T0);
    }

    static Map<String, BigDecimal> probs(String a, String b) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        m.put("s-1", new BigDecimal(a));
        m.put("s-2", new BigDecimal(b));
        return m;
    }

    static Market priced(Market m, long seq, Map<String, BigDecimal> p, Instant at) {
        Market.FeedOutcome o = m.applyFeed(seq, p, at, at);
        if (o instanceof Market.FeedOutcome.Published pub) {
            return pub.change().after();
        }
        if (o instanceof Market.FeedOutcome.Refreshed r) {
            return r.change().after();
        }
        return m;
    }

    @Test
    void theStateMachineAllowsExactlyTheContractsTransitions() {
        Map<MarketState, EnumSet<MarketState>> allowed = Map.of(
                MarketState.PENDING, EnumSet.of(MarketState.OPEN),
                MarketState.OPEN, EnumSet.of(MarketState.SUSPENDED, MarketState.CLOSED),
                MarketState.SUSPENDED, EnumSet.of(MarketState.OPEN, MarketState.CLOSED),
                MarketState.CLOSED, EnumSet.of(MarketState.SETTLING),
                MarketState.SETTLING, EnumSet.of(MarketState.SETTLED, MarketState.VOIDED),
                MarketState.SETTLED, EnumSet.noneOf(MarketState.class),
                MarketState.VOIDED, EnumSet.noneOf(MarketState.class));
        for (MarketState from : MarketState.values()) {
            for (MarketState to : MarketState.values()) {
                assertEquals(allowed.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
            }
        }
    }

    @Test
    void opensOnlyWithAPriceAndRecordsTheCause() {
        assertThrows(Market.IllegalTransition.class, () -> pending().transition(MarketState.OPEN, "ops-1", null, T0));
        Market withPrice = priced(pending(), 1, probs("0.5", "0.5"), T0);
        Market.Change open = withPrice.transition(MarketState.OPEN, "ops-1", "ready", T0.plusSeconds(1));
        assertEquals(MarketState.OPEN, open.after().state());
        assertEquals(withPrice.revision() + 1, open.after().revision());
        Transition t = open.transition().orElseThrow();
        assertEquals(MarketState.PENDING, t.from());
        assertEquals("ops-1", t.cause());
        assertEquals("ready", t.reason());
    }

    @Test
    void feedPublishesRefreshesAndIgnores() {
        Market m = pending();
        Market.FeedOutcome first = m.applyFeed(1, probs("0.5", "0.5"), T0, T0);
        Market.FeedOutcome.Published p = assertInstanceOf(Market.FeedOutcome.Published.class, first);
        assertEquals(1, p.snapshot().priceVersion());
        Market v1 = p.change().after();

        Market.FeedOutcome same = v1.applyFeed(2, probs("0.5", "0.5"), T0.plusSeconds(1), T0.plusSeconds(2));
        Market.FeedOutcome.Refreshed r = assertInstanceOf(Market.FeedOutcome.Refreshed.class, same);
        assertEquals(1, r.change().after().price().orElseThrow().priceVersion());
        assertEquals(T0.plusSeconds(2), r.change().after().price().orElseThrow().receivedAt());
        assertEquals(T0, r.change().after().price().orElseThrow().publishedAt());

        assertInstanceOf(Market.FeedOutcome.Ignored.class, v1.applyFeed(1, probs("0.4", "0.6"), T0, T0));
        assertInstanceOf(Market.FeedOutcome.Ignored.class, v1.applyFeed(0, probs("0.4", "0.6"), T0, T0));
        Market.FeedOutcome.Published v2 = assertInstanceOf(Market.FeedOutcome.Published.class,
                v1.applyFeed(3, probs("0.4", "0.6"), T0, T0));
        assertEquals(2, v2.snapshot().priceVersion());
    }

    @Property(tries = 300)
    void versionsOnlyGrowAndSequencesOnlyMoveForward(@ForAll @Size(min = 1, max = 40) List<@net.jqwik.api.constraints.IntRange(min = 1, max = 30) Integer> sequences) {
        Market m = pending();
        long maxSeq = 0;
        for (int seq : sequences) {
            String p = "0." + (10 + seq * 2);
            Market next = priced(m, seq, probs(p, new BigDecimal("1").subtract(new BigDecimal(p)).toPlainString()), T0.plusSeconds(seq));
            long before = m.price().map(CurrentPrice::priceVersion).orElse(0L);
            long after = next.price().map(CurrentPrice::priceVersion).orElse(0L);
            assertTrue(after == before || after == before + 1, "one version at a time");
            maxSeq = Math.max(maxSeq, seq);
            assertEquals(maxSeq, next.lastSequence());
            m = next;
        }
    }

    @Test
    void closedMarketsIgnoreTheFeed() {
        Market open = priced(pending(), 1, probs("0.5", "0.5"), T0).transition(MarketState.OPEN, "ops", null, T0).after();
        Market closed = open.transition(MarketState.CLOSED, "ops", null, T0).after();
        assertInstanceOf(Market.FeedOutcome.Ignored.class, closed.applyFeed(2, probs("0.4", "0.6"), T0, T0));
        assertFalse(closed.acceptsPrices());
    }

    @Test
    void watchdogSuspendsAfterTheThresholdAndAFreshPriceReopens() {
        FeedFreshness f = FeedFreshness.DEFAULT;
        Market open = priced(pending(), 1, probs("0.5", "0.5"), T0).transition(MarketState.OPEN, "ops", null, T0).after();
        assertTrue(open.watchdog(T0.plusSeconds(10), f).isEmpty());
        Market.Change suspend = open.watchdog(T0.plusSeconds(10).plusMillis(1), f).orElseThrow();
        assertEquals(MarketState.SUSPENDED, suspend.after().state());
        assertEquals(Transition.FEED_STALE, suspend.after().stateReason());
        assertEquals(Transition.FEED_WATCHDOG, suspend.transition().orElseThrow().cause());

        Market suspended = suspend.after();
        Market.FeedOutcome.Refreshed back = assertInstanceOf(Market.FeedOutcome.Refreshed.class,
                suspended.applyFeed(2, probs("0.5", "0.5"), T0.plusSeconds(30), T0.plusSeconds(30)));
        assertEquals(MarketState.OPEN, back.change().after().state());
        assertEquals(Transition.FEED, back.change().transition().orElseThrow().cause());

        Market adminSuspended = open.transition(MarketState.SUSPENDED, "ops", "injury", T0).after();
        Market.FeedOutcome stays = adminSuspended.applyFeed(2, probs("0.5", "0.5"), T0, T0.plusSeconds(30));
        assertEquals(MarketState.SUSPENDED, ((Market.FeedOutcome.Refreshed) stays).change().after().state());
        assertTrue(adminSuspended.watchdog(T0.plusSeconds(31), f).isEmpty());
    }

    @Test
    void freshnessThresholds() {
        FeedFreshness f = new FeedFreshness(3, 10);
        assertTrue(f.fresh(T0, T0.plusSeconds(3)));
        assertFalse(f.fresh(T0, T0.plusSeconds(3).plusMillis(1)));
        assertEquals(T0, f.oldestFresh(T0.plusSeconds(3)));
        assertThrows(IllegalArgumentException.class, () -> new FeedFreshness(5, 4));
        assertThrows(IllegalArgumentException.class, () -> new FeedFreshness(0, 4));
        assertTrue(Duration.ofSeconds(f.suspendAfterSeconds()).compareTo(Duration.ofSeconds(f.keepSeconds())) >= 0);
    }
}
