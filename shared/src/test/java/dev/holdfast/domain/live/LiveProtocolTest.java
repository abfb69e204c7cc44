package dev.holdfast.domain.live;

import dev.holdfast.domain.market.FeedMapping;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.domain.market.Selection;
import dev.holdfast.domain.market.Transition;
import dev.holdfast.domain.pricing.ExposureSignal;
import dev.holdfast.domain.pricing.MarginPolicy;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveProtocolTest {
    static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    static Market pending() {
        return new Market("m-1", "e-1", "Winner", MarketState.PENDING, null,
                List.of(new Selection("s-1", "Home"), new Selection("s-2", "Away")),
                new FeedMapping("acme", "1", Map.of("1", "s-1", "2", "s-2")), MarginPolicy.DEFAULT,
                ExposureSignal.NONE, Optional.empty(), 0, 1, T0);
    }

    static Market feed(Market m, long seq, String home, Instant at) {
        var o = m.applyFeed(seq, Map.of("s-1", new BigDecimal(home), "s-2", BigDecimal.ONE.subtract(new BigDecimal(home))), at, at);
        if (o instanceof Market.FeedOutcome.Published p) {
            return p.change().after();
        }
        return ((Market.FeedOutcome.Refreshed) o).change().after();
    }

    @Test
    void aNewPriceVersionIsOnePriceChange() {
        Market a = feed(pending(), 1, "0.5", T0);
        Market b = feed(a, 2, "0.4", T0.plusSeconds(1));
        List<LiveChange> c = MarketChanges.between(Optional.of(a), b, 7);
        assertEquals(1, c.size());
        LiveChange.Price p = assertInstanceOf(LiveChange.Price.class, c.get(0));
        assertEquals(7, p.sequence());
        assertEquals(2, p.price().priceVersion());
    }

    @Test
    void aRefreshedAgeIsAPriceChangeWithTheSameVersion() {
        Market a = feed(pending(), 1, "0.5", T0);
        Market b = feed(a, 2, "0.5", T0.plusSeconds(2));
        List<LiveChange> c = MarketChanges.between(Optional.of(a), b, 3);
        LiveChange.Price p = assertInstanceOf(LiveChange.Price.class, c.get(0));
        assertEquals(1, p.price().priceVersion());
        assertEquals(T0.plusSeconds(2), p.price().receivedAt());
    }

    @Test
    void aReopeningWithANewPriceIsTwoChangesStateFirst() {
        Market open = feed(pending(), 1, "0.5", T0).transition(MarketState.OPEN, "ops", null, T0).after();
        Market stale = open.transition(MarketState.SUSPENDED, Transition.FEED_WATCHDOG, Transition.FEED_STALE, T0.plusSeconds(11)).after();
        Market back = feed(stale, 2, "0.45", T0.plusSeconds(12));
        assertEquals(1, MarketChanges.count(Optional.of(open), stale));
        LiveChange.State s = assertInstanceOf(LiveChange.State.class, MarketChanges.between(Optional.of(open), stale, 1).get(0));
        assertEquals(MarketState.SUSPENDED, s.state());
        assertEquals(Transition.FEED_STALE, s.stateReason());
        List<LiveChange> c = MarketChanges.between(Optional.of(stale), back, 2);
        assertEquals(2, c.size());
        assertEquals(MarketState.OPEN, assertInstanceOf(LiveChange.State.class, c.get(0)).state());
        assertEquals(2, c.get(0).sequence());
        assertEquals(3, assertInstanceOf(LiveChange.Price.class, c.get(1)).sequence());
    }

    @Test
    void anExposureOnlyWriteAndANewMarketPublishNothing() {
        Market a = feed(pending(), 1, "0.5", T0).transition(MarketState.OPEN, "ops", null, T0).after();
        Market b = a.exposureUpdate(new ExposureSignal(Map.of("s-1", new BigDecimal("0.5"))), false, T0).orElseThrow().after();
        assertEquals(0, MarketChanges.count(Optional.of(a), b));
        assertEquals(List.of(), MarketChanges.between(Optional.of(a), b, 1));
        assertEquals(0, MarketChanges.count(Optional.empty(), pending()));
    }

    @Test
    void subscriptionsAreBoundedAndAnOverLimitSubscribeAddsNothing() {
        Subscriptions s = Subscriptions.none(3);
        var first = assertInstanceOf(Subscriptions.Outcome.Subscribed.class, s.subscribe(List.of("m-1", "m-2", "m-1")));
        assertEquals(List.of("m-1", "m-2"), first.added());
        var again = assertInstanceOf(Subscriptions.Outcome.Subscribed.class, first.after().subscribe(List.of("m-2", "m-3")));
        assertEquals(List.of("m-3"), again.added());
        var over = assertInstanceOf(Subscriptions.Outcome.OverLimit.class, again.after().subscribe(List.of("m-4")));
        assertEquals(3, over.limit());
        assertEquals(4, over.wouldHold());
        Subscriptions less = again.after().unsubscribe(List.of("m-1", "m-9"));
        assertEquals(java.util.Set.of("m-2", "m-3"), less.marketIds());
        assertInstanceOf(Subscriptions.Outcome.Subscribed.class, less.subscribe(List.of("m-4")));
    }

    static List<LiveChange> held(long from, long to) {
        List<LiveChange> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(new LiveChange.State("m-1", s, MarketState.OPEN, null));
        }
        return out;
    }

    @Test
    void resumeReplaysWhatIsHeldInOrder() {
        List<LiveChange> held = new ArrayList<>(held(6, 10));
        java.util.Collections.reverse(held);
        Resume.Plan<LiveChange> p = Resume.plan(5, 10, held, LiveChange::sequence, 64);
        Resume.Plan.Replay<LiveChange> plan = assertInstanceOf(Resume.Plan.Replay.class, p);
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), plan.changes().stream().map(LiveChange::sequence).toList());
        assertEquals(List.of(), assertInstanceOf(Resume.Plan.Replay.class, Resume.plan(10, 10, List.of(), LiveChange::sequence, 64)).changes());
    }

    @Test
    void resumeFallsBackToASnapshotOnAHoleTooFarBackOrABogusSequence() {
        List<LiveChange> hole = new ArrayList<>(held(6, 10));
        hole.remove(2);
        assertInstanceOf(Resume.Plan.Snapshot.class, Resume.plan(5, 10, hole, LiveChange::sequence, 64));
        assertInstanceOf(Resume.Plan.Snapshot.class, Resume.plan(5, 10, held(7, 10), LiveChange::sequence, 64)); // 6 expired
        assertInstanceOf(Resume.Plan.Snapshot.class, Resume.plan(1, 100, held(2, 100), LiveChange::sequence, 64)); // past the bound
        assertInstanceOf(Resume.Plan.Snapshot.class, Resume.plan(11, 10, List.of(), LiveChange::sequence, 64));
        assertInstanceOf(Resume.Plan.Snapshot.class, Resume.plan(-1, 10, held(0, 10), LiveChange::sequence, 64));
    }

    @Test
    void aNotResumedSnapshotSaysSo() {
        Market a = feed(pending(), 1, "0.5", T0);
        LiveChange.Snapshot s = MarketChanges.snapshot(a, 4);
        assertEquals(Optional.empty(), s.resumed());
        assertEquals(Optional.of(false), s.notResumed().resumed());
        assertTrue(s.notResumed().price().isPresent());
    }
}
